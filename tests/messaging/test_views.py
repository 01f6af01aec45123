import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import MessagePolicy
from community.models import Block
from messaging import services
from messaging.models import Conversation, Message
from tests.community.factories import UnverifiedUserFactory
from tests.messaging.conftest import set_policy
from tests.messaging.helpers import accepted_conversation

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_visitor_is_invited_to_join_and_an_unverified_member_is_shown_how_to_verify(client):
    response = client.get("/messages/")
    assert response.status_code == 200 and b"Messages" not in response.content.split(b"<main")[1][:200]
    unverified = UnverifiedUserFactory()
    assert client_for(unverified).get("/messages/").status_code == 403


def test_the_whole_request_flow_through_the_pages(ada, ben):
    ada_client, ben_client = client_for(ada), client_for(ben)
    response = ada_client.get(f"/messages/new/?to={ben.pk}")
    assert response.status_code == 200
    assert b"arrives as a request" in response.content
    response = ada_client.post(f"/messages/new/?to={ben.pk}", {"text": "Hello Ben, how was the scan?"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("conversation_detail", args=[conversation.pk]))

    # Sending again opens the same conversation, which says the request waits.
    response = ada_client.get(f"/messages/new/?to={ben.pk}")
    assert response.status_code == 302
    page = ada_client.get(response["Location"])
    assert b"waiting for them" in page.content

    inbox = ben_client.get("/messages/")
    assert b"Message requests" in inbox.content and b"Hello Ben, how was the scan?" in inbox.content
    page = ben_client.get(f"/messages/{conversation.pk}/")
    assert b"Accept" in page.content and b"Ignore" in page.content
    ben_client.post(f"/messages/{conversation.pk}/accept/")
    response = ben_client.post(f"/messages/{conversation.pk}/", {"text": "It was fine, thank you"})
    assert response.status_code == 302
    page = ada_client.get(f"/messages/{conversation.pk}/")
    assert b"It was fine, thank you" in page.content
    assert conversation.messages.count() == 2


def test_bad_input_keeps_the_text_with_a_clear_message(ada, ben):
    conversation = accepted_conversation(ada, ben)
    long_text = "A long letter " * 400
    response = client_for(ada).post(f"/messages/{conversation.pk}/", {"text": long_text})
    assert response.status_code == 400
    assert b"at most 5,000 characters" in response.content
    assert long_text.strip().encode() in response.content
    assert conversation.messages.count() == 1


def test_a_refused_send_keeps_the_text(ada, ben):
    conversation = accepted_conversation(ada, ben)
    Block.objects.create(blocker=ben, blocked=ada)
    response = client_for(ada).post(f"/messages/{conversation.pk}/", {"text": "Please read this"})
    assert response.status_code == 400
    assert b"Please read this" in response.content
    assert conversation.messages.count() == 1


@pytest.mark.parametrize("policy", [MessagePolicy.NOBODY, MessagePolicy.TEAM])
def test_a_member_who_cannot_be_messaged_gets_a_clear_refusal(ada, ben, policy):
    set_policy(ben, policy)
    client = client_for(ada)
    response = client.get(f"/messages/new/?to={ben.pk}")
    assert response.status_code == 403
    assert b"You cannot send this message" in response.content
    assert client.post(f"/messages/new/?to={ben.pk}", {"text": "Hi"}).status_code == 403
    assert not Message.objects.exists()
    profile = client.get(f"/members/{ben.pk}/")
    assert b"Send a message" not in profile.content


@pytest.mark.parametrize("to", ["", "abc", "99999999", "1" * 40, "-1"])
def test_strange_recipients_are_refused_never_a_500(ada, to):
    assert client_for(ada).get(f"/messages/new/?to={to}").status_code == 403


def test_the_profile_shows_send_a_message_when_allowed(ada, ben):
    response = client_for(ada).get(f"/members/{ben.pk}/")
    assert b"Send a message" in response.content
    assert f"/messages/new/?to={ben.pk}".encode() in response.content


def test_edit_and_delete_my_message(ada, ben):
    conversation = accepted_conversation(ada, ben, text="First words")
    message = conversation.messages.get()
    client = client_for(ada)
    assert client.get(f"/messages/message/{message.pk}/edit/").status_code == 200
    assert client.post(f"/messages/message/{message.pk}/edit/", {"text": ""}).status_code == 400
    client.post(f"/messages/message/{message.pk}/edit/", {"text": "Better words"})
    message.refresh_from_db()
    assert message.text == "Better words"
    client.post(f"/messages/message/{message.pk}/delete/")
    page = client_for(ben).get(f"/messages/{conversation.pk}/")
    assert b"Message deleted" in page.content and b"Better words" not in page.content


def test_the_header_shows_unread_messages(ada, ben, django_capture_on_commit_callbacks):
    accepted_conversation(ben, ada)
    services.message_send(sender=ben, recipient_id=ada.pk, text="Are you about?")
    client = client_for(ada)
    response = client.get("/messages/")
    assert b'Messages <span class="badge rounded-pill">1' in response.content
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/messages/{conversation.pk}/")
    response = client.get("/messages/")
    assert b'Messages <span class="badge' not in response.content


def test_crisis_words_show_where_to_find_help(ada, ben, settings):
    conversation = accepted_conversation(ada, ben)
    phrase = settings.CRISIS_PHRASES[0]
    response = client_for(ada).post(f"/messages/{conversation.pk}/", {"text": f"Lately {phrase}"}, follow=True)
    assert reverse("crisis").encode() in response.content


def test_show_earlier_messages(ada, ben):
    conversation = accepted_conversation(ada, ben, text="message 0")
    Message.objects.bulk_create(
        [Message(conversation=conversation, author=ada, text=f"message {n}") for n in range(1, 60)]
    )
    client = client_for(ben)
    page = client.get(f"/messages/{conversation.pk}/")
    assert b"message 59" in page.content and b"message 9<" not in page.content
    assert b"Show earlier messages" in page.content
    earliest = page.context["message_page"].earliest_id
    earlier = client.get(f"/messages/{conversation.pk}/?before={earliest}")
    assert b"message 0" in earlier.content and b"message 59" not in earlier.content


def test_emails_about_new_messages_can_be_turned_off_in_email_settings(ada):
    from accounts.models import EmailPreferences

    client = client_for(ada)
    page = client.get("/settings/email/")
    assert b"sends me a private message" in page.content
    client.post("/settings/email/", {"digest_frequency": "weekly", "new_messages": "on"})
    assert EmailPreferences.objects.get(user=ada).new_messages is True
    client.post("/settings/email/", {"digest_frequency": "weekly"})
    assert EmailPreferences.objects.get(user=ada).new_messages is False


def test_who_can_message_me_is_on_the_privacy_page(ada):
    page = client_for(ada).get("/settings/privacy/")
    assert b"Who can send you a private message" in page.content
    assert b'name="message_policy" value="team"' in page.content
