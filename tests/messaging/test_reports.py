"""Reporting a private message: it reaches the one moderation queue with the five messages before
it, moderators act on it as on posts, and nobody sees a conversation nobody reported."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import Notification
from accounts.services import account_delete
from community.models import ModerationAction, Report, ReviewItem
from community.moderation import services as moderation
from messaging import services
from messaging.models import Message
from tests.community.test_moderation import make_moderator
from tests.messaging.helpers import accepted_conversation

pytestmark = pytest.mark.django_db


def review_of(message) -> ReviewItem:
    return ReviewItem.objects.get(
        content_type=ContentType.objects.get_for_model(Message), object_id=message.pk, resolved_at__isnull=True
    )


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def exchange(ada, ben, count: int) -> list[Message]:
    """An accepted conversation of `count` messages, Ada and Ben taking turns, a second apart."""
    conversation = accepted_conversation(ada, ben, text="Message 1")
    start = timezone.now() - timedelta(minutes=10)
    for number in range(2, count + 1):
        sender, recipient = (ben, ada) if number % 2 == 0 else (ada, ben)
        services.message_send(sender=sender, recipient_id=recipient.pk, text=f"Message {number}")
    messages = list(conversation.messages.order_by("created_at", "id"))
    for offset, message in enumerate(messages):
        Message.objects.filter(pk=message.pk).update(created_at=start + timedelta(seconds=offset))
    return list(conversation.messages.order_by("created_at", "id"))


def test_a_reported_message_reaches_the_queue_with_the_five_messages_before_it(ada, ben):
    messages = exchange(ada, ben, 8)
    reported = messages[6]  # "Message 7", from Ada
    assert reported.author_id == ada.pk

    back = f"/messages/{reported.conversation_id}/"
    response = signed_in(ben).post(
        f"/report/message/{reported.pk}/", {"reason": "harassment", "note": "Keeps pushing a supplement", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back

    review = review_of(reported)
    assert review.author_id == ada.pk and review.reason == ReviewItem.Reason.REPORTED
    moderator = make_moderator()
    page = signed_in(moderator).get("/moderation/?kind=message").content.decode()
    for number in range(2, 8):
        assert f"Message {number}" in page
    assert "Message 1" not in page and "Message 8" not in page
    assert "Keeps pushing a supplement" in page
    assert "Moderators see a message only when someone reports it" in page


def test_the_queue_keeps_what_the_reporter_saw_when_the_author_edits_or_deletes(ada, ben):
    messages = exchange(ada, ben, 3)
    reported = messages[2]
    moderation.report_create(reporter=ben, item=reported, reason="harassment")
    services.message_edit(actor=ada, message=reported, text="I never said that")
    page = signed_in(make_moderator()).get("/moderation/").content.decode()
    assert "Message 3" in page and "I never said that" in page and "after an edit" in page

    services.message_delete(actor=ada, message=reported)
    page = signed_in(make_moderator()).get("/moderation/").content.decode()
    assert "Message 3" in page and "deleted by its author" in page


def test_moderators_never_see_a_conversation_nobody_reported(ada, ben, cara):
    exchange(ada, ben, 3)
    accepted_conversation(cara, ada, text="A private worry about my scan")
    moderator = make_moderator()
    client = signed_in(moderator)
    assert "A private worry" not in client.get("/moderation/").content.decode()
    conversation = Message.objects.get(text="A private worry about my scan").conversation
    assert client.get(f"/messages/{conversation.pk}/").status_code == 404


def test_only_the_recipient_may_report_a_message(ada, ben, cara):
    [first] = exchange(ada, ben, 1)
    with pytest.raises(ValidationError, match="your own message"):
        moderation.report_create(reporter=ada, item=first, reason="spam")
    with pytest.raises(PermissionDenied):
        moderation.report_create(reporter=cara, item=first, reason="spam")
    assert signed_in(cara).get(f"/report/message/{first.pk}/").status_code == 404
    assert signed_in(cara).post(f"/report/message/{first.pk}/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists() and not ReviewItem.objects.exists()


def test_a_message_of_risk_goes_to_the_top_and_the_reporter_sees_where_to_find_help(ada, ben):
    [first] = exchange(ada, ben, 1)
    response = signed_in(ben).post(f"/report/message/{first.pk}/", {"reason": "self_harm"})
    assert response.status_code == 302 and response["Location"] == "/crisis/"
    assert review_of(first).reason == ReviewItem.Reason.CRISIS


def test_removing_a_message_tells_its_author_who_may_appeal_and_both_see_it_removed(ada, ben):
    messages = exchange(ada, ben, 2)
    reported = messages[0]
    moderation.report_create(reporter=ben, item=reported, reason="harassment")
    moderator = make_moderator()
    response = signed_in(moderator).post(
        f"/moderation/review/{review_of(reported).pk}/",
        {"action": "remove", "reason_code": "harassment", "note": "Please be kind."},
    )
    assert response.status_code == 302
    conversation_url = f"/messages/{reported.conversation_id}/"
    ben_page = signed_in(ben).get(conversation_url).content.decode()
    assert "Removed by a moderator" in ben_page and "Message 1" not in ben_page
    ada_page = signed_in(ada).get(conversation_url).content.decode()
    assert "A moderator removed this message" in ada_page

    notice = Notification.objects.get(recipient=ada, kind=Notification.Kind.MODERATION)
    assert "removed your message" in notice.message and "Please be kind." in notice.message
    action = ModerationAction.objects.get(kind=ModerationAction.Kind.REMOVE)
    assert action.member_id == ada.pk
    moderation.appeal_create(member=ada, action=action, text="It was a joke between friends")
    appeal = action.appeal
    moderation.appeal_decide(moderator=make_moderator(), appeal=appeal, restore=True)
    assert "Message 1" in signed_in(ben).get(conversation_url).content.decode()


def test_a_moderator_can_suspend_the_author_of_a_reported_message(ada, ben):
    [first] = exchange(ada, ben, 1)
    moderation.report_create(reporter=ben, item=first, reason="harassment")
    moderation.review_suspend(moderator=make_moderator(), review=review_of(first), days=3, note="Unkind messages")
    ada.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.message_send(sender=ada, recipient_id=ben.pk, text="One more")


def test_a_message_takes_no_moderator_note(ada, ben):
    [first] = exchange(ada, ben, 1)
    moderation.report_create(reporter=ben, item=first, reason="spam")
    with pytest.raises(ValidationError, match="Notes go under posts"):
        moderation.review_note(moderator=make_moderator(), review=review_of(first), note="Hello")


def test_a_message_request_can_be_reported_from_the_request(ada, ben):
    request = services.message_send(sender=ada, recipient_id=ben.pk, text="Buy my miracle tea")
    page = signed_in(ben).get(f"/messages/{request.conversation_id}/").content.decode()
    assert f'href="/report/message/{request.pk}/' in page
    signed_in(ben).post(f"/report/message/{request.pk}/", {"reason": "spam"})
    assert review_of(request).author_id == ada.pk


def test_deleting_the_author_s_account_takes_reports_of_their_messages_with_it(ada, ben):
    [first] = exchange(ada, ben, 1)
    moderation.report_create(reporter=ben, item=first, reason="spam")
    account_delete(actor=ada, member=ada, keep_answers_and_comments=False)
    assert not Report.objects.exists()
    assert not ReviewItem.objects.exists()


def test_your_data_says_plainly_when_a_moderator_sees_a_message(client):
    page = " ".join(client.get("/your-data/").content.decode().split())
    assert "A moderator sees a message only when one of the two of you reports it" in page
    assert "up to five messages before it" in page


def test_the_admin_has_no_page_that_lists_messages_or_conversations(ada, ben):
    assert [m for m in admin.site._registry if m._meta.app_label == "messaging"] == []
    staff = make_moderator(is_staff=True, is_superuser=True)
    assert signed_in(staff).get("/admin/messaging/message/").status_code == 404
