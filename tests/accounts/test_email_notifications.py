from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.mail import notification_emails
from accounts.models import EmailPreferences, Notification, NotificationEmail
from community import notifications
from community import services as community_services
from community.models import Block, ModerationState
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_member(db):
    return UserFactory(display_name="Cara")


@pytest.fixture(autouse=True)
def _post_freely(settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 0


def test_an_answer_notifies_the_asker_in_the_site_and_by_email(member, other_member, on_commit):
    question = QuestionFactory(author=member)
    on_commit(community_services.answer_create, author=other_member, question=question, text="Walks helped me.")

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == "answer" and "Ben answered" in notification.message
    assert notification.email_status == NotificationEmail.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Ben answered" in message.body and "/settings/email/" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_comments_on_updates_and_answers_and_replies_notify_their_owner(member, other_member, third_member, on_commit):
    update = UpdateFactory(author=member)
    on_commit(community_services.comment_create, author=other_member, text="Lovely news", update=update)
    answer = AnswerFactory(author=member)
    on_commit(community_services.comment_create, author=other_member, text="Thank you", answer=answer)
    parent = CommentFactory(author=third_member, update=update)
    on_commit(community_services.comment_create, author=other_member, text="Agreed", update=update, parent=parent)

    kinds = list(Notification.objects.filter(recipient=member).values_list("kind", "thread_key"))
    assert sorted(kinds) == sorted([("reply", f"update:{update.pk}"), ("reply", f"answer:{answer.pk}")])
    assert Notification.objects.get(recipient=third_member).thread_key == f"comment:{parent.pk}"
    assert len(mail.outbox) == 3


def test_no_notification_for_your_own_activity(member, on_commit):
    question = QuestionFactory(author=member)
    on_commit(community_services.answer_create, author=member, question=question, text="Answering myself.")
    update = UpdateFactory(author=member)
    on_commit(community_services.comment_create, author=member, text="A note", update=update)
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_no_notification_across_a_block(member, other_member, on_commit):
    answer = AnswerFactory(question=QuestionFactory(author=member), author=other_member)
    Block.objects.create(blocker=member, blocked=other_member)
    assert on_commit(notifications.notify_answer, answer=answer) is None
    assert not Notification.objects.exists()


def test_an_answer_waiting_for_a_moderator_does_not_notify_yet(member, other_member, on_commit):
    answer = AnswerFactory(
        question=QuestionFactory(author=member), author=other_member, moderation_state=ModerationState.PENDING
    )
    assert on_commit(notifications.notify_answer, answer=answer) is None
    assert not Notification.objects.exists()


def test_preferences_are_honoured_per_kind(member, other_member, on_commit):
    EmailPreferences.objects.filter(user=member).update(answers=False, replies=True)
    on_commit(
        community_services.answer_create, author=other_member, question=QuestionFactory(author=member), text="Hi."
    )
    on_commit(community_services.comment_create, author=other_member, text="Hi", update=UpdateFactory(author=member))

    assert Notification.objects.filter(recipient=member).count() == 2  # the bell still shows both
    assert Notification.objects.get(kind="answer").email_status == NotificationEmail.OFF
    assert [m.subject for m in mail.outbox] == ["[Kindred] Ben commented on your update"]

    EmailPreferences.objects.filter(user=member).update(answers=True, replies=False)
    on_commit(community_services.comment_create, author=other_member, text="More", update=UpdateFactory(author=member))
    assert len(mail.outbox) == 1


def test_at_most_one_email_per_thread_per_hour_later_ones_folded(member, other_member, third_member, on_commit):
    question = QuestionFactory(author=member)
    on_commit(community_services.answer_create, author=other_member, question=question, text="First answer.")
    on_commit(community_services.answer_create, author=third_member, question=question, text="Second answer.")
    on_commit(community_services.answer_create, author=third_member, question=question, text="Third answer.")
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(email_status=NotificationEmail.PENDING).count() == 2

    # Another thread is not held back.
    on_commit(
        community_services.answer_create, author=other_member, question=QuestionFactory(author=member), text="Other."
    )
    assert len(mail.outbox) == 2

    assert notification_emails.flush_all() == {"wait": 1}
    assert len(mail.outbox) == 2
    # An hour later the waiting answers go out together in one email.
    sent = Notification.objects.filter(email_status=NotificationEmail.SENT)
    sent.update(emailed_at=question.created_at - timedelta(hours=2))
    assert notification_emails.flush_all() == {"sent": 1}
    folded = mail.outbox[-1]
    assert "(and 1 more)" in folded.subject
    assert folded.body.count("Cara answered") == 2


def test_no_email_for_what_the_member_has_already_seen(member, other_member, django_capture_on_commit_callbacks):
    question = QuestionFactory(author=member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        community_services.answer_create(author=other_member, question=question, text="Seen before the email.")
    services.notifications_mark_read(member=member)
    for callback in callbacks:
        callback()
    assert mail.outbox == []
    assert Notification.objects.get().email_status == NotificationEmail.SEEN


def test_the_bell_adds_a_fixed_number_of_queries(member_client, member, django_assert_num_queries):
    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(url).status_code == 200
        return len(captured)

    count(reverse("home"))  # warm up: the member count is shared through the cache
    without = count(reverse("home"))
    for n in range(40):
        services.notification_create(recipient_id=member.pk, kind="reply", message=f"Reply {n}")
    with django_assert_num_queries(without):
        page = member_client.get(reverse("home")).content.decode()
    assert ">40<" in page


def test_reactions_are_summarised_in_one_unread_notification_and_never_emailed(django_capture_on_commit_callbacks):
    from community import services as community_services
    from tests.community.factories import UpdateFactory

    owner = UserFactory(display_name="Owen")
    update = UpdateFactory(author=owner)
    first, second, third = UserFactory(display_name="Fay"), UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        community_services.reaction_toggle(member=first, update=update, kind="hug")
        community_services.reaction_toggle(member=second, update=update, kind="like")
        community_services.reaction_toggle(member=third, update=update, kind="thanks")
        community_services.reaction_toggle(member=owner, update=update, kind="hug")  # one's own reaction
    [notification] = Notification.objects.filter(recipient=owner)
    assert notification.kind == Notification.Kind.REACTION
    assert "3 new reactions" in notification.message
    assert not [m for m in mail.outbox if m.to == [owner.email]]

    notification.read_at = timezone.now()
    notification.save()
    with django_capture_on_commit_callbacks(execute=True):
        community_services.reaction_toggle(member=first, update=update, kind="like")
    latest = Notification.objects.filter(recipient=owner, read_at__isnull=True).get()
    assert latest.message == "Fay sent support on your update"
