from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    DataExport,
    DigestDelivery,
    EmailPreferences,
    HealthDataConsent,
    NewsletterSubscription,
    Notification,
    User,
)
from accounts.services import FORMER_MEMBER_NAME
from community import search
from community.models import (
    Answer,
    Block,
    Comment,
    HelpfulVote,
    ModerationAction,
    Question,
    Reaction,
    Report,
    TeamMembership,
    Update,
)
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory, picture_bytes
from tests.factories import PASSWORD, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def world(member, other_member, media_root):
    """Ada (member) wrote, reacted, voted and reported around Ben's (other_member) posts."""
    profile = member.profile
    profile.diagnosis, profile.year_diagnosed = "nsclc", 2022
    profile.avatar.save("ada.png", ContentFile(picture_bytes()), save=False)
    profile.save()
    own_update = UpdateFactory.build(author=member, text="My garden")
    own_update.picture.save("garden.png", ContentFile(picture_bytes(color=(1, 2, 3))), save=False)
    own_update.save()
    CommentFactory(author=other_member, update=own_update, text="Lovely garden")
    own_question = QuestionFactory(author=member, title="Does anyone else feel cold on chemo?")
    AnswerFactory(author=other_member, question=own_question, text="Yes, always cold.")

    bens_update = UpdateFactory(author=other_member, text="Ben's scan was clear")
    CommentFactory(author=other_member, update=bens_update, text="Thanks all")
    ada_comment = CommentFactory(author=member, update=bens_update, text="Wonderful news about the scan, Ben")
    CommentFactory(author=other_member, update=bens_update, parent=ada_comment, text="Thank you Ada")
    CommentFactory(author=member, update=bens_update, text="Plain second comment")
    for kind in ("hug", "like"):
        Reaction.objects.create(member=member, update=bens_update, kind=kind)
        Update.objects.filter(pk=bens_update.pk).update(**{f"{kind}_count": 1})
    Reaction.objects.create(member=other_member, update=bens_update, kind="thanks")
    Update.objects.filter(pk=bens_update.pk).update(thanks_count=1)

    bens_question = QuestionFactory(author=other_member, title="What helps with radiotherapy tiredness?")
    ada_answer = AnswerFactory(author=member, question=bens_question, text="Afternoon naps and gentle walks helped")
    bens_answer = AnswerFactory(author=other_member, question=bens_question, text="Eating little and often")
    third = UserFactory(display_name="Cleo")
    HelpfulVote.objects.create(member=third, answer=ada_answer)
    HelpfulVote.objects.create(member=member, answer=bens_answer)
    Answer.objects.filter(pk=ada_answer.pk).update(helpful_count=1)
    Answer.objects.filter(pk=bens_answer.pk).update(helpful_count=1)
    Question.objects.filter(pk=bens_question.pk).update(helpful_count=2)
    CommentFactory(author=member, answer=ada_answer, update=None, text="Also: a cool flannel")

    Report.objects.create(
        reporter=member, content_type=ContentType.objects.get_for_model(Update), object_id=bens_update.pk, reason="spam"
    )
    TeamMembership.objects.create(member=member, teammate=other_member)
    TeamMembership.objects.create(member=other_member, teammate=member)
    Block.objects.create(blocker=member, blocked=third)
    NewsletterSubscription.objects.create(name="Ada", email=member.email, user=member, confirmed_at=timezone.now())
    Notification.objects.create(recipient=member, kind="reply", message="Ben replied", email_status="pending")
    DigestDelivery.objects.create(member=member, frequency="weekly", period_start=timezone.now().date())
    ModerationAction.objects.create(moderator=ModeratorFactory(), kind="warn", member=member, note="Be kind")
    return {
        "own_update": own_update,
        "own_question": own_question,
        "bens_update": bens_update,
        "bens_question": bens_question,
        "ada_answer": ada_answer,
        "bens_answer": bens_answer,
        "ada_comment": ada_comment,
        "files": [profile.avatar.name, own_update.picture.name],
    }


def delete_account(client, on_commit, what):
    reauthenticate(client)
    return on_commit(client.post, reverse("account_delete"), {"what": what, "confirm": "on"})


def test_deleting_needs_a_recent_re_authentication(member_client, member):
    response = member_client.get(reverse("account_delete"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = member_client.post(reverse("account_delete"), {"what": "everything", "confirm": "on"})
    assert response.status_code == 302
    assert User.objects.filter(pk=member.pk).exists()

    reauthenticate(member_client)
    assert member_client.get(reverse("account_delete")).status_code == 200


def test_re_authentication_goes_stale(member_client, member, settings):
    reauthenticate(member_client)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = member_client.post(reverse("account_delete"), {"what": "everything", "confirm": "on"})
    assert response.status_code == 302
    assert User.objects.filter(pk=member.pk).exists()


def test_the_choice_and_the_confirmation_are_required(member_client, member):
    reauthenticate(member_client)
    assert member_client.post(reverse("account_delete"), {"what": "everything"}).status_code == 200
    assert member_client.post(reverse("account_delete"), {"confirm": "on"}).status_code == 200
    assert User.objects.filter(pk=member.pk).exists()


def _common_checks(member, world, media_root, response):
    assert response.status_code == 302 and response["Location"] == reverse("account_deleted")
    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=member.email).exists()
    assert not NewsletterSubscription.objects.filter(email=member.email).exists()
    assert not HealthDataConsent.objects.filter(member_id=member.pk).exists()
    assert not Notification.objects.filter(recipient_id=member.pk).exists()
    assert not DigestDelivery.objects.filter(member_id=member.pk).exists()
    assert not Update.objects.filter(pk=world["own_update"].pk).exists()
    assert not Question.objects.filter(pk=world["own_question"].pk).exists()
    assert not Reaction.objects.filter(member_id=member.pk).exists()
    assert not HelpfulVote.objects.filter(member_id=member.pk).exists()
    assert not Report.objects.filter(reporter_id=member.pk).exists()
    assert not TeamMembership.objects.filter(member_id=member.pk).exists()
    assert not TeamMembership.objects.filter(teammate_id=member.pk).exists()
    assert not Block.objects.filter(blocker_id=member.pk).exists()
    for name in world["files"]:
        assert not (media_root / name).exists(), name
    # The audit log keeps its row, with the name as it was.
    action = ModerationAction.objects.get(kind="warn")
    assert action.member is None and action.member_name == "Ada"
    # The confirmation email.
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    assert "deleted" in message.subject
    # Counters match the rows that remain.
    bens_update = Update.objects.get(pk=world["bens_update"].pk)
    assert (bens_update.hug_count, bens_update.like_count, bens_update.thanks_count) == (0, 0, 1)
    assert bens_update.comment_count == Comment.objects.filter(update=bens_update, is_removed=False).count()
    bens_answer = Answer.objects.get(pk=world["bens_answer"].pk)
    assert bens_answer.helpful_count == 0
    question = Question.objects.get(pk=world["bens_question"].pk)
    assert question.answer_count == question.answers.count()
    assert question.helpful_count == sum(a.helpful_count for a in question.answers.all())


def test_delete_everything(member_client, member, other_member, world, on_commit, media_root):
    response = delete_account(member_client, on_commit, "everything")

    _common_checks(member, world, media_root, response)
    assert not Answer.objects.filter(pk=world["ada_answer"].pk).exists()
    assert not Comment.objects.filter(text__in=["Plain second comment", "Also: a cool flannel"]).exists()
    # Ben's reply stays under a "Comment removed" placeholder that names nobody.
    placeholder = Comment.objects.get(pk=world["ada_comment"].pk)
    assert placeholder.is_removed and placeholder.text == "" and placeholder.author.display_name == FORMER_MEMBER_NAME
    assert Comment.objects.filter(text="Thank you Ada").exists()
    bens_update = Update.objects.get(pk=world["bens_update"].pk)
    assert bens_update.comment_count == 2  # "Thanks all" and Ben's reply
    question = Question.objects.get(pk=world["bens_question"].pk)
    assert (question.answer_count, question.helpful_count) == (1, 0)
    assert "Everything you wrote has been deleted" in mail.outbox[-1].body


def test_keep_answers_and_comments_as_former_member(member_client, member, other_member, world, on_commit, media_root):
    response = delete_account(member_client, on_commit, "keep")

    _common_checks(member, world, media_root, response)
    kept_answer = Answer.objects.get(pk=world["ada_answer"].pk)
    assert kept_answer.author.display_name == FORMER_MEMBER_NAME
    assert kept_answer.helpful_count == 1  # Cleo's vote stays
    kept = Comment.objects.filter(text__in=["Wonderful news about the scan, Ben", "Plain second comment"])
    assert kept.count() == 2 and {c.author.display_name for c in kept} == {FORMER_MEMBER_NAME}
    former = kept_answer.author
    assert not former.is_active and not former.has_usable_password()
    assert not EmailAddress.objects.filter(user=former).exists()
    question = Question.objects.get(pk=world["bens_question"].pk)
    assert (question.answer_count, question.helpful_count) == (2, 1)
    bens_update = Update.objects.get(pk=world["bens_update"].pk)
    assert bens_update.comment_count == 4
    assert "Former member" in mail.outbox[-1].body
    # Readers see the name without a link: the account has no profile page.
    reader = Client()
    reader.force_login(other_member)
    page = reader.get(question.get_absolute_url()).content.decode()
    assert "Former member" in page
    assert reverse("member_detail", args=[former.pk]) not in page

    # A second deletion reuses the same Former member account.
    ben_client = Client()
    ben_client.force_login(other_member)
    delete_account(ben_client, on_commit, "keep")
    assert User.objects.filter(display_name=FORMER_MEMBER_NAME).count() == 1


def logged_in_through_the_form(member) -> Client:
    # As every member does (the admin sends its log-in here too), so allauth records the session.
    client = Client()
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_every_session_of_the_member_ends(member, world, on_commit):
    phone = logged_in_through_the_form(member)
    laptop = logged_in_through_the_form(member)
    assert phone.get(reverse("profile_edit")).status_code == 200

    delete_account(laptop, on_commit, "everything")

    remaining = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(member.pk)]
    assert remaining == []
    assert phone.get(reverse("profile_edit")).status_code == 302
    assert laptop.get(reverse("profile_edit")).status_code == 302


def test_deleting_an_account_reads_only_that_members_sessions(member, world, on_commit):
    # Other members' sessions are many; decoding each of them on every deletion grows with the site.
    for _ in range(3):
        logged_in_through_the_form(UserFactory())
    laptop = logged_in_through_the_form(member)
    with CaptureQueriesContext(connection) as queries:
        delete_account(laptop, on_commit, "everything")
    session_reads = [q["sql"] for q in queries if 'FROM "django_session"' in q["sql"] and q["sql"].startswith("SELECT")]
    assert all("WHERE" in sql for sql in session_reads), session_reads
    others = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert len(others) == 3 and str(member.pk) not in others


def test_a_deleted_member_never_shows_in_search(member_client, member, other_member, world, on_commit):
    def found(query):
        outcome = search.search(viewer=other_member, raw_query=query)
        return [(r.title, r.url) for rows in outcome.results.values() for r in rows]

    assert any("Ada" in title for title, _ in found("Ada"))
    assert found("garden")
    delete_account(member_client, on_commit, "keep")

    assert not [t for t, _ in found("Ada") if t == "Ada"]
    assert not found("garden")
    assert not found("cold on chemo")
    titles = [t for t, _ in found("scan")]
    assert "A comment from Ada" not in titles
    assert f"A comment from {FORMER_MEMBER_NAME}" in titles


def test_a_deleted_member_never_shows_in_digests(member_client, member, other_member, world, on_commit, settings):
    EmailPreferences.objects.filter(user=other_member).update(digest_frequency="weekly", last_digest_at=None)
    Answer.objects.filter(pk=world["ada_answer"].pk).update(created_at=timezone.now() - timedelta(hours=1))
    delete_account(member_client, on_commit, "keep")
    mail.outbox.clear()

    on_commit(call_command, "send_digests", frequency="weekly", stdout=StringIO())

    [digest] = [m for m in mail.outbox if m.to == [other_member.email]]
    assert f"{FORMER_MEMBER_NAME} answered" in digest.body
    assert "Ada" not in digest.body
    assert not DigestDelivery.objects.filter(member__display_name=FORMER_MEMBER_NAME).exists()


def test_pending_data_exports_go_too(member_client, member, on_commit, media_root):
    on_commit(member_client.post, reverse("data_export_request"))
    name = DataExport.objects.get(member=member).file.name
    assert (media_root / name).is_file()
    delete_account(member_client, on_commit, "everything")
    assert not (media_root / name).exists()
    assert not DataExport.objects.exists()
