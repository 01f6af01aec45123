from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import EmailPreferences, MessagePolicy, Notification, NotificationEmail
from community import services as community_services
from community.models import ModerationState
from messaging import selectors, services, unread
from messaging.models import Conversation, Message, Participant
from tests.community.factories import UpdateFactory
from tests.factories import UserFactory
from tests.messaging.conftest import set_policy
from tests.messaging.helpers import accepted_conversation, put_on_team

pytestmark = pytest.mark.django_db


def state_of(member, conversation) -> str:
    return Participant.objects.get(member=member, conversation=conversation).state


# Requests and teams


def test_a_first_message_from_someone_not_on_my_team_arrives_as_a_request(ada, ben):
    message = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello Ben")
    conversation = message.conversation
    assert state_of(ben, conversation) == Participant.State.PENDING
    assert state_of(ada, conversation) == Participant.State.ACCEPTED
    assert [p.conversation_id for p in selectors.requests_for(viewer=ben)] == [conversation.pk]
    assert list(selectors.inbox_page(viewer=ben).object_list) == []


def test_the_sender_cannot_send_again_until_the_request_is_accepted(ada, ben):
    conversation = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello Ben").conversation
    with pytest.raises(PermissionDenied, match="waiting"):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Are you there?")
    services.request_accept(actor=ben, conversation=conversation)
    services.message_send(sender=ada, recipient_id=ben.pk, text="Thank you for accepting")
    assert conversation.messages.count() == 2


def test_an_ignored_request_still_stops_the_sender_and_sends_no_more_notifications(ada, ben):
    conversation = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello Ben").conversation
    services.request_ignore(actor=ben, conversation=conversation)
    assert selectors.requests_for(viewer=ben) == []
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Hello again")
    assert Notification.objects.filter(recipient=ben, read_at__isnull=True).count() == 0


def test_members_on_my_team_write_to_me_directly(ada, ben):
    put_on_team(ben, ada)
    conversation = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello Ben").conversation
    assert state_of(ben, conversation) == Participant.State.ACCEPTED
    services.message_send(sender=ada, recipient_id=ben.pk, text="And again")
    assert conversation.messages.count() == 2


def test_replying_to_a_request_accepts_it(ada, ben):
    conversation = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello Ben").conversation
    services.message_send(sender=ben, recipient_id=ada.pk, text="Hello Ada")
    assert state_of(ben, conversation) == Participant.State.ACCEPTED
    assert Conversation.objects.count() == 1


def test_one_conversation_per_pair_whoever_writes_first(ada, ben):
    put_on_team(ben, ada)
    put_on_team(ada, ben)
    first = services.message_send(sender=ada, recipient_id=ben.pk, text="Hi").conversation
    second = services.message_send(sender=ben, recipient_id=ada.pk, text="Hi back").conversation
    assert first.pk == second.pk


def test_the_database_holds_one_conversation_per_ordered_pair(ada, ben):
    low, high = Conversation.ordered_pair(ada.pk, ben.pk)
    Conversation.objects.create(member_low_id=low, member_high_id=high)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(member_low_id=low, member_high_id=high)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(member_low_id=high, member_high_id=low)


# Who can message me


def test_nobody_means_nobody_can_start_a_conversation(ada, ben):
    set_policy(ben, MessagePolicy.NOBODY)
    put_on_team(ben, ada)
    with pytest.raises(PermissionDenied, match="chosen not to receive"):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Hello")
    assert Message.objects.count() == 0


def test_only_my_team_refuses_others_and_lets_my_team_in(ada, ben, cara):
    set_policy(ben, MessagePolicy.TEAM)
    with pytest.raises(PermissionDenied, match="only from members on their team"):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Hello")
    put_on_team(ben, cara)
    conversation = services.message_send(sender=cara, recipient_id=ben.pk, text="Hello").conversation
    assert state_of(ben, conversation) == Participant.State.ACCEPTED


# Blocks, suspensions, bans


def test_a_block_stops_messages_both_ways(ada, ben):
    conversation = accepted_conversation(ada, ben)
    community_services.member_block(blocker=ben, blocked=ada)
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Hello")
    ben.__dict__.pop("_kindred_blocked", None)
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ben, recipient_id=ada.pk, text="Hello")
    assert conversation.messages.count() == 1


def test_blocking_from_a_conversation_hides_it_from_the_one_who_blocked(ada, ben):
    conversation = accepted_conversation(ada, ben)
    services.conversation_block(actor=ben, conversation=conversation)
    assert list(selectors.inbox_page(viewer=ben).object_list) == []
    assert len(selectors.inbox_page(viewer=ada).object_list) == 1
    assert community_services.Block.objects.filter(blocker=ben, blocked=ada).exists()


def test_suspended_and_banned_members_cannot_send(ada, ben):
    ada.suspended_until = timezone.now() + timedelta(days=3)
    ada.save()
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Hello")
    ben.banned_at = timezone.now()
    ben.save()
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ben, recipient_id=ada.pk, text="Hello")
    assert Message.objects.count() == 0


def test_a_member_cannot_message_themselves_or_someone_gone(ada):
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ada, recipient_id=ada.pk, text="Hello me")
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ada, recipient_id=999_999, text="Hello?")


# Text rules and limits


@pytest.mark.parametrize("text", ["", "   \n  ", "x" * 5001])
def test_empty_or_too_long_text_is_refused(ada, ben, text):
    with pytest.raises(ValidationError):
        services.message_send(sender=ada, recipient_id=ben.pk, text=text)
    assert Conversation.objects.count() == 0


def test_a_new_member_can_start_three_conversations_a_day(ada):
    others = UserFactory.create_batch(4)
    for other in others[:3]:
        services.message_send(sender=ada, recipient_id=other.pk, text="Hello")
    with pytest.raises(services.MessagingLimitReached):
        services.message_send(sender=ada, recipient_id=others[3].pk, text="Hello")


def test_an_established_member_can_start_twenty_a_day(ada):
    ada.date_joined = timezone.now() - timedelta(days=10)
    ada.save()
    UpdateFactory(author=ada)
    others = UserFactory.create_batch(21)
    for other in others[:20]:
        services.message_send(sender=ada, recipient_id=other.pk, text="Hello")
    with pytest.raises(services.MessagingLimitReached):
        services.message_send(sender=ada, recipient_id=others[20].pk, text="Hello")


def test_a_member_with_nothing_approved_yet_counts_as_new_however_long_ago_they_joined(ada):
    ada.date_joined = timezone.now() - timedelta(days=40)
    ada.save()
    UpdateFactory(author=ada, moderation_state=ModerationState.PENDING)
    others = UserFactory.create_batch(4)
    for other in others[:3]:
        services.message_send(sender=ada, recipient_id=other.pk, text="Hello")
    with pytest.raises(services.MessagingLimitReached, match="3 new conversations a day"):
        services.message_send(sender=ada, recipient_id=others[3].pk, text="Hello")


def test_a_first_week_member_s_first_message_with_a_link_waits_as_a_request_with_the_link_as_words(ada, ben):
    put_on_team(ben, ada)  # Ada is on Ben's team: without a link she would write to him directly.
    text = "Have a look at https://example.org/miracle-cure before your next scan"
    message = services.message_send(sender=ada, recipient_id=ben.pk, text=text)
    assert message.links_held
    place = Participant.objects.get(conversation=message.conversation, member=ben)
    assert place.state == Participant.State.PENDING

    client = Client()
    client.force_login(ben)
    page = client.get(f"/messages/{message.conversation_id}/").content.decode()
    assert "https://example.org/miracle-cure" in page
    assert 'href="https://example.org/miracle-cure"' not in page
    assert "shown as plain text" in page
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Did you see it?")

    services.request_accept(actor=ben, conversation=message.conversation)
    page = client.get(f"/messages/{message.conversation_id}/").content.decode()
    assert 'href="https://example.org/miracle-cure"' in page


def test_an_older_member_s_link_is_an_ordinary_message(ada, ben):
    ada.date_joined = timezone.now() - timedelta(days=8)
    ada.save()
    put_on_team(ben, ada)
    message = services.message_send(sender=ada, recipient_id=ben.pk, text="The trial list is at https://example.org")
    assert not message.links_held
    assert Participant.objects.get(conversation=message.conversation, member=ben).state == Participant.State.ACCEPTED


# Editing and deleting


def test_i_can_edit_my_message_within_fifteen_minutes_only(ada, ben):
    conversation = accepted_conversation(ada, ben)
    message = conversation.messages.get()
    services.message_edit(actor=ada, message=message, text="Hello, changed")
    message.refresh_from_db()
    assert message.text == "Hello, changed" and message.edited_at is not None
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16), edited_at=None)
    with pytest.raises(ValidationError, match="15 minutes"):
        services.message_edit(actor=ada, message=message, text="Too late")
    with pytest.raises(PermissionDenied):
        services.message_edit(actor=ben, message=message, text="Not mine")
    message.refresh_from_db()
    assert message.text == "Hello, changed"


def test_deleting_my_message_removes_its_words(ada, ben):
    conversation = accepted_conversation(ada, ben)
    message = conversation.messages.get()
    with pytest.raises(PermissionDenied):
        services.message_delete(actor=ben, message=message)
    services.message_delete(actor=ada, message=message)
    message.refresh_from_db()
    assert message.text == "" and message.deleted_at is not None


# Notifications and the unread count


def test_a_new_message_notifies_without_its_words(ada, ben, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        conversation = services.message_send(sender=ada, recipient_id=ben.pk, text="My scan was clear").conversation
    notification = Notification.objects.get(recipient=ben)
    assert notification.kind == Notification.Kind.MESSAGE
    assert "scan" not in notification.message
    assert notification.message == "Ada sent you a message request"
    assert notification.thread_key == f"conversation:{conversation.pk}"
    assert notification.email_status == NotificationEmail.PENDING


def test_no_email_when_the_member_turned_message_emails_off(ada, ben, django_capture_on_commit_callbacks):
    EmailPreferences.objects.update_or_create(user=ben, defaults={"new_messages": False})
    with django_capture_on_commit_callbacks(execute=False):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Hello")
    assert Notification.objects.get(recipient=ben).email_status == NotificationEmail.OFF


def test_opening_a_conversation_reads_it_and_its_notifications(ada, ben, django_capture_on_commit_callbacks):
    put_on_team(ben, ada)
    with django_capture_on_commit_callbacks(execute=False):
        conversation = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello").conversation
    assert selectors.unread_count(ben.pk) == 1
    assert selectors.unread_count(ada.pk) == 0
    services.conversation_mark_read(member=ben, conversation=conversation)
    assert selectors.unread_count(ben.pk) == 0
    assert not Notification.objects.filter(recipient=ben, read_at__isnull=True).exists()


def test_the_cached_count_is_forgotten_when_a_message_arrives(ada, ben, django_capture_on_commit_callbacks):
    put_on_team(ben, ada)
    assert unread.count_for(ben) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(sender=ada, recipient_id=ben.pk, text="Hello")
    assert unread.count_for(ben) == 1


def test_the_sender_cannot_accept_their_own_request(ada, ben):
    message = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello Ben")
    with pytest.raises(ValidationError, match="no message request waiting"):
        services.request_accept(actor=ada, conversation=message.conversation)
    assert Participant.objects.get(conversation=message.conversation, member=ben).state == Participant.State.PENDING
