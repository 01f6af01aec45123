"""When a member dies: telling the moderators, the memorial status and its reversal, gentle notices
to their team only, and no email of any kind to the remembered address from any sender."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.mail import subscriptions
from accounts.models import Biomarker, Notification, Visibility
from accounts.services import notification_create
from community import selectors as community_selectors
from community.models import ModerationAction, ReviewItem, TeamMembership
from community.moderation import services as moderation
from memorials import services
from memorials.models import DeathReport
from messaging import selectors as messaging_selectors
from tests.community.factories import QuestionFactory, UpdateFactory
from tests.community.test_moderation import make_moderator
from tests.factories import PASSWORD, ModeratorFactory, UserFactory, logged_in
from tests.trials.factories import make_trial

pytestmark = pytest.mark.django_db


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def words(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def maria():
    member = UserFactory(display_name="Maria")
    profile = member.profile
    profile.diagnosis, profile.diagnosis_visibility = "nsclc", Visibility.MEMBERS
    profile.save()
    profile.biomarkers.set(Biomarker.objects.filter(code="EGFR"))
    return member


def test_telling_us_changes_nothing_and_waits_last_in_the_queue(maria):
    friend = UserFactory(display_name="Jo")
    response = signed_in(friend).post(f"/members/{maria.pk}/tell-us/", {"note": "Her daughter posted on Facebook."})
    assert response.status_code == 302
    report = DeathReport.objects.get()
    assert report.member == maria and report.reporter == friend
    review = ReviewItem.objects.get(reason=ReviewItem.Reason.MEMORIAL)
    assert review.author == maria
    maria.refresh_from_db()
    assert not maria.is_remembered
    logged_in(maria)  # she (or whoever holds the account) can still sign in

    spam = UpdateFactory()
    moderation.report_create(reporter=friend, item=spam, reason="spam")
    queue = [r.reason for r in moderation_queue()]
    assert queue.index("reported") < queue.index("memorial")

    page = words(signed_in(make_moderator()).get("/moderation/"))
    assert "A member told us that" in page and "Her daughter posted on Facebook." in page
    assert "Set memorial status" in page and "Their recent activity" in page


def moderation_queue():
    from community.moderation.selectors import review_queue

    return list(review_queue())


def test_only_moderators_with_two_factor_set_or_take_back_the_status(maria):
    for outsider in (UserFactory(), ModeratorFactory()):
        with pytest.raises(PermissionDenied):
            services.memorial_set(moderator=outsider, member=maria)
        response = signed_in(outsider).post(f"/moderation/memorial/{maria.pk}/set/", {"line": ""})
        assert response.status_code in (302, 403)
    maria.refresh_from_db()
    assert not maria.is_remembered
    assert not ModerationAction.objects.exists()


def test_memorial_status_ends_sessions_closes_the_door_and_shows_remembered(maria):
    her_session = logged_in(maria)
    moderator = make_moderator()
    QuestionFactory(author=maria, title="What helped with the fatigue?")
    signed_in(UserFactory()).post(f"/members/{maria.pk}/tell-us/", {"note": ""})

    response = signed_in(moderator).post(f"/moderation/memorial/{maria.pk}/set/", {"line": "She loved her garden."})
    assert response.status_code == 302
    maria.refresh_from_db()
    assert maria.is_remembered
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.REMEMBER, member=maria).exists()
    assert not ReviewItem.objects.filter(reason=ReviewItem.Reason.MEMORIAL, resolved_at__isnull=True).exists()

    # Her open session is over, and nobody signs in to the account.
    assert "kept in memory" in words(her_session.get("/"))
    login = Client().post(reverse("account_login"), {"login": maria.email, "password": PASSWORD})
    assert login.status_code == 403 and "kept in memory" in words(login)

    profile = words(signed_in(UserFactory()).get(f"/members/{maria.pk}/"))
    assert "Remembered" in profile and "She loved her garden." in profile
    assert "Non-small cell" not in profile and "EGFR" not in profile
    # What she wrote stays, labelled quietly.
    question_page = words(Client().get("/questions/"))
    assert "What helped with the fatigue?" in question_page


def test_only_her_team_hear_of_it_once_and_by_email_only_if_they_allow(maria, django_capture_on_commit_callbacks):
    follower, followed, stranger = UserFactory(), UserFactory(), UserFactory()
    TeamMembership.objects.create(member=follower, teammate=maria)
    TeamMembership.objects.create(member=maria, teammate=followed)
    subscriptions.email_preferences_update(actor=followed, member=followed, values={"team_news": False})
    with django_capture_on_commit_callbacks(execute=True):
        services.memorial_set(moderator=make_moderator(), member=maria)
    notices = Notification.objects.filter(kind=Notification.Kind.TEAM)
    assert sorted(n.recipient_id for n in notices) == sorted([follower.pk, followed.pk])
    assert all("Maria has died" in n.message and "EGFR" not in n.message for n in notices)
    assert not Notification.objects.filter(recipient=stranger).exists()
    by_email = {n.recipient_id: n.email_status for n in notices}
    assert by_email[followed.pk] == "off" and by_email[follower.pk] != "off"


def test_she_leaves_member_lists_search_and_message_recipients(maria):
    viewer = UserFactory()
    viewer.profile.biomarkers.set(Biomarker.objects.filter(code="EGFR"))
    assert maria in community_selectors.members_like_viewer(viewer=viewer)
    services.memorial_set(moderator=make_moderator(), member=maria)
    maria.refresh_from_db()
    assert maria not in community_selectors.members_like_viewer(viewer=viewer)
    assert maria not in community_selectors.find_members(viewer=viewer)
    assert not messaging_selectors.send_check(sender=viewer, recipient=maria).allowed
    assert "Send a message" not in words(signed_in(viewer).get(f"/members/{maria.pk}/"))
    assert "Maria" not in words(signed_in(viewer).get("/members/?q=Maria"))


def test_no_email_of_any_kind_reaches_a_remembered_address(maria, django_capture_on_commit_callbacks, settings):
    """Every sender in the code: digests (with trial alerts), notification emails, the newsletter,
    new-article emails and allauth's account emails."""
    maria.profile.biomarkers.set(Biomarker.objects.filter(code="EGFR"))
    subscriptions.email_preferences_update(
        actor=maria, member=maria, values={"trial_alerts": True, "new_articles": True, "answers": True}
    )
    services.memorial_set(moderator=make_moderator(), member=maria)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_trial(biomarkers=["EGFR"])
        call_command("send_digests", frequency="weekly", stdout=StringIO())
        notification_create(recipient_id=maria.pk, kind="answer", message="Someone answered", by_email=True)
        call_command("send_notification_emails", stdout=StringIO())
        subscriptions.subscription_request(name="", email=maria.email)
        Client().post(reverse("account_reset_password"), {"email": maria.email})
        from tests.articles.factories import PublishedArticleFactory

        PublishedArticleFactory(published_at=timezone.now())
    assert [m for m in mail.outbox if maria.email in m.to] == []


def test_taking_it_back_restores_the_account(maria):
    moderator = make_moderator()
    services.memorial_set(moderator=moderator, member=maria, line="Always kind.")
    response = signed_in(moderator).post(f"/moderation/memorial/{maria.pk}/undo/")
    assert response.status_code == 302
    maria.refresh_from_db()
    assert not maria.is_remembered and maria.memorial_line == ""
    logged_in(maria)
    kinds = list(ModerationAction.objects.filter(member=maria).values_list("kind", flat=True))
    assert sorted(kinds) == ["remember", "unremember"]


def test_the_queue_entry_is_its_own_kind_with_no_sanctions(maria):
    services.death_report_create(reporter=UserFactory(), member=maria, note="")
    page = words(signed_in(make_moderator()).get("/moderation/"))
    entry = page.split("A member may have died")[1]
    assert "Warn, suspend or ban" not in entry.split("</article>")[0]
    assert ContentType.objects.get_for_model(DeathReport).pk == ReviewItem.objects.get().content_type_id


def test_the_family_can_have_what_she_shared_and_nothing_private(maria, tmp_path, settings):
    import io
    import json
    import zipfile

    from community.models import ModerationState
    from messaging import services as messaging_services

    settings.MEDIA_ROOT = tmp_path
    UpdateFactory(author=maria, text="The first walk after chemo.")
    UpdateFactory(author=maria, text="Removed by a moderator", moderation_state=ModerationState.REMOVED)
    friend = UserFactory()
    messaging_services.message_send(sender=maria, recipient_id=friend.pk, text="A private word for you")
    moderator = make_moderator()
    with pytest.raises(ValidationError):
        services.family_archive_give(moderator=moderator, member=maria)  # not remembered yet
    services.memorial_set(moderator=moderator, member=maria)
    maria.refresh_from_db()

    response = signed_in(moderator).post(f"/moderation/memorial/{maria.pk}/family/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    shared = json.loads(archive.read("shared.json"))
    texts = [u["text"] for u in shared["updates"]]
    assert texts == ["The first walk after chemo."]
    everything = archive.read("shared.json").decode()
    assert "A private word" not in everything and "nsclc" not in everything and "EGFR" not in everything
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.FAMILY_ARCHIVE, member=maria).exists()
    assert signed_in(UserFactory()).post(f"/moderation/memorial/{maria.pk}/family/").status_code in (302, 403)


def test_at_the_family_s_request_a_moderator_deletes_the_account_without_an_email(maria):
    from accounts.models import User

    moderator = make_moderator()
    UpdateFactory(author=maria, text="Hello all")
    services.memorial_set(moderator=moderator, member=maria)
    mail.outbox.clear()
    refused = signed_in(moderator).post(f"/moderation/memorial/{maria.pk}/delete/", {"keep": "everything"})
    assert refused.status_code == 302 and User.objects.filter(pk=maria.pk).exists()
    response = signed_in(moderator).post(
        f"/moderation/memorial/{maria.pk}/delete/", {"keep": "everything", "confirm": "delete"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=maria.pk).exists()
    assert mail.outbox == []
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.MEMORIAL_DELETE, member_name="Maria").exists()


def test_a_bereaved_carer_finds_support_and_may_leave_treatment_news_out_of_the_digest(
    django_capture_on_commit_callbacks,
):
    from accounts.models import Profile
    from memorials.models import BereavementResource
    from tests.articles.factories import PublishedArticleFactory

    BereavementResource.objects.create(name="Grief line (demo)", region="Anywhere", contact="0000 000 000")
    page = words(Client().get("/bereavement/"))
    assert "Grief line (demo)" in page and "Support after a death" in words(Client().get("/about/"))

    carer = UserFactory(display_name="Sam")
    client = signed_in(carer)
    assert "Include treatment news in my digest" not in words(client.get("/settings/email/"))
    carer.profile.role = Profile.Role.BEREAVED_CARER
    carer.profile.save()
    assert "Include treatment news in my digest" in words(client.get("/settings/email/"))
    subscriptions.email_preferences_update(actor=carer, member=carer, values={"treatment_news": False})

    other = UserFactory()
    article = PublishedArticleFactory(title="A new tablet for EGFR", published_at=timezone.now())
    TeamMembership.objects.create(member=carer, teammate=other)
    UpdateFactory(author=other, text="Thinking of you all today.")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", frequency="weekly", stdout=StringIO())
    [digest] = [m for m in mail.outbox if m.to == [carer.email]]
    assert article.title not in digest.body and "shared an update" in digest.body


def test_members_can_still_react_and_write_a_tribute_under_her_posts(maria):
    from community import services as community_services

    update = UpdateFactory(author=maria, text="Planted the tulips today.")
    services.memorial_set(moderator=make_moderator(), member=maria)
    friend = UserFactory(display_name="Jo")
    community_services.reaction_toggle(member=friend, update=update, kind="hug")
    community_services.comment_create(author=friend, update=update, text="We miss you, Maria.")
    page = words(signed_in(friend).get(update.get_absolute_url()))
    assert "We miss you, Maria." in page and "Remembered" in page
