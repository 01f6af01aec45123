"""Message the moderators: one conversation per member with the whole team, answered as
"Kindred moderators", readable by every moderator with two-factor and by nobody else."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts.models import Notification
from accounts.services import account_delete
from messaging import selectors, services, unread
from messaging.models import Conversation, Message
from tests.community.test_moderation import make_moderator
from tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def page_text(client, url) -> str:
    return " ".join(client.get(url).content.decode().split())


def write_to_moderators(member, text="I would like to ask about my removed post") -> Conversation:
    response = signed_in(member).post("/messages/new/?to=moderators", {"text": text})
    assert response.status_code == 302
    return Conversation.objects.get(with_moderators=True, member_low=member)


def test_a_member_writes_to_the_moderators_and_every_moderator_sees_it_waiting(ada):
    client = signed_in(ada)
    assert "Write to the moderators" in page_text(client, "/messages/new/?to=moderators")
    conversation = write_to_moderators(ada)
    assert "Kindred moderators" in page_text(client, "/messages/")

    first, second = make_moderator(display_name="Mod One"), make_moderator(display_name="Mod Two")
    for moderator in (first, second):
        inbox = page_text(signed_in(moderator), "/messages/")
        assert "Members writing to the moderators" in inbox and "Ada" in inbox and "Waiting for an answer" in inbox
        assert unread.count_for(moderator) == 1
        assert "I would like to ask about my removed post" in page_text(
            signed_in(moderator), f"/messages/{conversation.pk}/"
        )
    # Writing again goes on with the same conversation.
    assert client.get("/messages/new/?to=moderators")["Location"] == f"/messages/{conversation.pk}/"


def test_the_member_sees_answers_from_kindred_moderators_and_never_the_moderator_s_name(ada):
    conversation = write_to_moderators(ada)
    answering, colleague = make_moderator(display_name="Mod One"), make_moderator(display_name="Mod Two")
    response = signed_in(answering).post(f"/messages/{conversation.pk}/", {"text": "We looked again; it is back."})
    assert response.status_code == 302

    member_page = page_text(signed_in(ada), f"/messages/{conversation.pk}/")
    assert "We looked again; it is back." in member_page
    assert "Kindred moderators" in member_page and "Mod One" not in member_page
    assert "Kindred moderators (Mod One)" in page_text(signed_in(colleague), f"/messages/{conversation.pk}/")

    notice = Notification.objects.get(recipient=ada, kind=Notification.Kind.MESSAGE)
    assert notice.message == "Kindred moderators sent you a message" and "Mod One" not in notice.message
    # Answered: no longer waiting in any moderator's header.
    assert unread.count_for(colleague) == 0
    assert "Waiting for an answer" not in page_text(signed_in(colleague), "/messages/")


def test_nobody_else_reads_or_writes_in_a_member_s_conversation_with_the_moderators(ada, ben):
    conversation = write_to_moderators(ada)
    without_two_factor = ModeratorFactory()
    for outsider in (ben, without_two_factor):
        client = signed_in(outsider)
        assert client.get(f"/messages/{conversation.pk}/").status_code == 404
        assert client.post(f"/messages/{conversation.pk}/", {"text": "Let me in"}).status_code == 404
    assert "Members writing to the moderators" not in page_text(signed_in(without_two_factor), "/messages/")
    assert conversation.messages.count() == 1


def test_a_suspended_member_may_write_to_the_moderators_but_not_to_members(ada, ben):
    ada.suspended_until = timezone.now() + timedelta(days=3)
    ada.save(update_fields=["suspended_until"])
    write_to_moderators(ada, text="Why was I suspended?")
    response = signed_in(ada).post(f"/messages/new/?to={ben.pk}", {"text": "Hello"})
    assert response.status_code == 403
    assert not Message.objects.filter(text="Hello").exists()


def test_the_moderators_answers_cannot_be_reported_by_the_member(ada):
    conversation = write_to_moderators(ada)
    answer = services.moderators_message_send(sender=make_moderator(), conversation=conversation, text="Hello Ada")
    assert signed_in(ada).get(f"/report/message/{answer.pk}/").status_code == 404


def test_only_moderators_with_two_factor_answer_for_the_team(ada, ben):
    conversation = write_to_moderators(ada)
    for outsider in (ben, ModeratorFactory()):
        with pytest.raises(PermissionDenied):
            services.moderators_message_send(sender=outsider, conversation=conversation, text="Hi")
    assert conversation.messages.count() == 1


def test_the_conversation_is_in_the_member_s_data_and_goes_with_their_account(ada):
    conversation = write_to_moderators(ada)
    services.moderators_message_send(sender=make_moderator(), conversation=conversation, text="Hello Ada")
    [exported] = selectors.conversations_for_export(ada)
    assert exported["with"] == "Kindred moderators"
    assert [m["from"] for m in exported["messages"]] == ["me", "them"]
    account_delete(actor=ada, member=ada, keep_answers_and_comments=False)
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
