"""Member C tries to reach A and B's conversation by changing ids, and nothing changes."""

import pytest
from django.test import Client
from django.urls import reverse

from messaging import live, selectors, services
from messaging import urls as messaging_urls
from messaging.models import Conversation, Message, Participant
from tests.community.test_moderation import make_moderator
from tests.factories import UserFactory
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


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def attempts_on(conversation, message) -> list[tuple[str, str, dict]]:
    """Everything a member might try on a conversation and a message in it, by their ids."""
    c, m = conversation.pk, message.pk
    return [
        ("get", f"/messages/{c}/", {}),
        ("get", f"/messages/{c}/?before={m}", {}),
        # "Anything new?" with the conversation's current stamp: no 204 that would say it exists.
        ("get", f"/messages/{c}/changes/?since={live.stamp_for(conversation)}", {}),
        ("get", f"/messages/message/{m}/edit/", {}),
        ("post", f"/messages/{c}/", {"text": "Let me in"}),
        ("post", f"/messages/{c}/accept/", {}),
        ("post", f"/messages/{c}/ignore/", {}),
        ("post", f"/messages/{c}/block/", {}),
        ("post", f"/messages/message/{m}/edit/", {"text": "changed"}),
        ("post", f"/messages/message/{m}/delete/", {}),
    ]


def test_c_cannot_read_post_edit_delete_accept_ignore_or_block_in_a_and_b_s_conversation(ada, ben, cara):
    conversation = accepted_conversation(ada, ben, text="Between us")
    services.message_send(sender=ben, recipient_id=ada.pk, text="Between us, from Ben")
    request = services.message_send(sender=cara, recipient_id=ada.pk, text="Hello Ada").conversation
    pending = services.message_send(sender=ben, recipient_id=cara.pk, text="A request for Cara")
    c = signed_in(cara)
    before = everything()
    # Ada's message and Ben's.
    for message in conversation.messages.all():
        for method, url, data in attempts_on(conversation, message):
            response = getattr(c, method)(url, data)
            assert response.status_code == 404, (method, url, response.status_code)
            assert b"Between us" not in response.content
    # Cara's own request to Ada: Cara cannot accept it for Ada, nor write again before Ada does.
    assert c.post(f"/messages/{request.pk}/", {"text": "Second message"}).status_code == 400
    # Ben's request to Cara is Cara's to answer; Ben's message stays Ben's.
    assert c.post(f"/messages/message/{pending.pk}/edit/", {"text": "changed"}).status_code == 404
    assert c.post(f"/messages/message/{pending.pk}/delete/").status_code == 404
    assert everything() == before
    assert b"Between us" not in c.get("/messages/").content


def test_only_the_recipient_answers_a_request_waiting_between_a_and_b(ada, ben, cara):
    message = services.message_send(sender=ada, recipient_id=ben.pk, text="Hello Ben, a request")
    conversation = message.conversation
    c, a = signed_in(cara), signed_in(ada)
    before = everything()
    for method, url, data in attempts_on(conversation, message):
        response = getattr(c, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"a request" not in response.content
    # Ada, who sent it, cannot accept it for Ben to write again.
    a.post(f"/messages/{conversation.pk}/accept/")
    response = a.post(f"/messages/{conversation.pk}/", {"text": "Are you there?"})
    assert response.status_code == 400 and b"waiting for them" in response.content
    assert everything() == before
    # It still waits for Ben, who alone can answer it.
    assert [p.conversation_id for p in selectors.requests_for(viewer=ben)] == [conversation.pk]
    signed_in(ben).post(f"/messages/{conversation.pk}/accept/")
    assert Participant.objects.get(conversation=conversation, member=ben).state == Participant.State.ACCEPTED


def test_c_cannot_reach_a_s_conversation_with_the_moderators(ada, cara):
    moderator = make_moderator(display_name="Mo")
    conversation = services.moderators_message_send(sender=ada, text="About my removed post").conversation
    answer = services.moderators_message_send(sender=moderator, conversation=conversation, text="We are looking")
    c = signed_in(cara)
    before = everything()
    for message in (conversation.messages.get(author=ada), answer):
        for method, url, data in attempts_on(conversation, message):
            response = getattr(c, method)(url, data)
            assert response.status_code == 404, (method, url, response.status_code)
            assert b"removed post" not in response.content and b"We are looking" not in response.content
    assert everything() == before


def _messaging_addresses(conversation_id: int, message_id: int, member_id: int) -> list[str]:
    """Every address in messaging/urls.py, with these ids; a new one is in the list as soon as it exists."""
    kwargs = {"conversation_id": conversation_id, "message_id": message_id}
    urls = []
    for pattern in messaging_urls.urlpatterns:
        url = reverse(pattern.name, kwargs={k: kwargs[k] for k in pattern.pattern.converters})
        if pattern.name == "conversation_new":
            urls += [f"{url}?to={member_id}", f"{url}?to=moderators"]
        else:
            urls.append(url)
    return urls


@pytest.mark.parametrize("token", [None, "made-up-token-" + "x" * 50], ids=["no token", "made-up token"])
def test_every_messaging_post_needs_a_csrf_token(ada, ben, cara, token):
    conversation = accepted_conversation(ada, ben)
    # A request waiting for Ada, so that accepting, ignoring and blocking would each change something.
    request = services.message_send(sender=cara, recipient_id=ada.pk, text="Hello Ada").conversation
    message = conversation.messages.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    urls = [
        *_messaging_addresses(request.pk, message.pk, UserFactory().pk),
        f"/messages/{conversation.pk}/",
        f"/messages/{conversation.pk}/block/",
    ]
    before = everything()
    for url in urls:
        data = {"text": "hello"} | ({"csrfmiddlewaretoken": token} if token else {})
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert b"This form has expired" in response.content, url
    assert everything() == before
    # With the page's own token the same form works: the refusals were for the token alone.
    client.get(f"/messages/{request.pk}/")
    response = client.post(
        f"/messages/{request.pk}/accept/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 302
    assert Participant.objects.get(conversation=request, member=ada).state == Participant.State.ACCEPTED
