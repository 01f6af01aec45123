"""Member C tries to reach A and B's conversation by changing ids, and nothing changes."""

import pytest
from django.test import Client

from messaging import services
from messaging.models import Conversation, Message, Participant
from tests.messaging.helpers import accepted_conversation
from tests.security.test_access import snapshot

pytestmark = pytest.mark.django_db


def everything() -> dict:
    return {
        **snapshot(),
        "messages": list(Message.objects.order_by("pk").values()),
        "places": list(Participant.objects.order_by("pk").values()),
        "conversations": list(Conversation.objects.order_by("pk").values()),
    }


def test_c_cannot_read_post_edit_delete_accept_ignore_or_block_in_a_and_b_s_conversation(ada, ben, cara):
    conversation = accepted_conversation(ada, ben, text="Between us")
    request = services.message_send(sender=cara, recipient_id=ada.pk, text="Hello Ada").conversation
    pending = services.message_send(sender=ben, recipient_id=cara.pk, text="A request for Cara")
    message = conversation.messages.get()
    c = Client()
    c.force_login(cara)
    before = everything()
    for url in (
        f"/messages/{conversation.pk}/",
        f"/messages/message/{message.pk}/edit/",
        f"/messages/{conversation.pk}/?before={message.pk}",
    ):
        response = c.get(url)
        assert response.status_code == 404, url
        assert b"Between us" not in response.content
    posts = [
        (f"/messages/{conversation.pk}/", {"text": "Let me in"}),
        (f"/messages/{conversation.pk}/accept/", {}),
        (f"/messages/{conversation.pk}/ignore/", {}),
        (f"/messages/{conversation.pk}/block/", {}),
        (f"/messages/message/{message.pk}/edit/", {"text": "changed"}),
        (f"/messages/message/{message.pk}/delete/", {}),
        # Cara's own request to Ada: Cara cannot accept it for Ada.
        (f"/messages/{request.pk}/", {"text": "Second message"}),
    ]
    for url, data in posts[:-1]:
        assert c.post(url, data).status_code == 404, url
    assert c.post(*posts[-1]).status_code == 400
    assert everything() == before
    assert b"Between us" not in c.get("/messages/").content
    # Ben's request to Cara is Cara's to answer; Ben's message stays Ben's.
    assert c.post(f"/messages/message/{pending.pk}/delete/").status_code == 404


def test_every_messaging_post_needs_a_csrf_token(ada, ben):
    conversation = accepted_conversation(ada, ben)
    message = conversation.messages.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    before = everything()
    for url in (
        f"/messages/new/?to={ben.pk}",
        f"/messages/{conversation.pk}/",
        f"/messages/{conversation.pk}/accept/",
        f"/messages/{conversation.pk}/ignore/",
        f"/messages/{conversation.pk}/block/",
        f"/messages/message/{message.pk}/edit/",
        f"/messages/message/{message.pk}/delete/",
    ):
        assert client.post(url, {"text": "hello"}).status_code == 403, url
    assert everything() == before
