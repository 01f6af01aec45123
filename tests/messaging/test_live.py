"""An open conversation keeps itself up to date: a cheap "anything new?" check, and sending with
htmx without leaving the page."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from messaging import services
from tests.messaging.helpers import accepted_conversation

pytestmark = pytest.mark.django_db


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def stamp_on(html: str) -> str:
    return re.search(r'data-stamp="(\d+)"', html).group(1)


def test_nothing_new_is_a_204_without_a_database_query(ada, ben, django_assert_num_queries):
    conversation = accepted_conversation(ada, ben)
    client = signed_in(ada)
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    stamp = stamp_on(page)
    with django_assert_num_queries(0):
        response = client.get(f"/messages/{conversation.pk}/changes/?since={stamp}")
    assert response.status_code == 204 and response.content == b""


def test_a_new_message_comes_back_as_the_list_and_is_read(ada, ben, django_capture_on_commit_callbacks):
    conversation = accepted_conversation(ada, ben)
    client = signed_in(ada)
    stamp = stamp_on(client.get(f"/messages/{conversation.pk}/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(sender=ben, recipient_id=ada.pk, text="Are you free to talk on Thursday?")
    response = client.get(f"/messages/{conversation.pk}/changes/?since={stamp}")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<") and 'id="message-list"' in html and "<html" not in html
    assert "Are you free to talk on Thursday?" in html
    assert stamp_on(html) != stamp
    assert "New" not in client.get("/messages/").content.decode().split("Your conversations")[1].split("</ul>")[0]
    # With the new stamp, quiet again.
    assert client.get(f"/messages/{conversation.pk}/changes/?since={stamp_on(html)}").status_code == 204


def test_editing_or_deleting_a_message_changes_the_stamp(ada, ben, django_capture_on_commit_callbacks):
    conversation = accepted_conversation(ada, ben, text="See you at ten")
    client = signed_in(ben)
    stamp = stamp_on(client.get(f"/messages/{conversation.pk}/").content.decode())
    message = conversation.messages.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_edit(actor=ada, message=message, text="See you at eleven")
    html = client.get(f"/messages/{conversation.pk}/changes/?since={stamp}").content.decode()
    assert "See you at eleven" in html
    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(actor=ada, message=message)
    html = client.get(f"/messages/{conversation.pk}/changes/?since={stamp_on(html)}").content.decode()
    assert "Message deleted" in html


def test_someone_outside_the_conversation_learns_nothing_even_with_its_stamp(ada, ben, cara):
    conversation = accepted_conversation(ada, ben, text="Just between us")
    stamp = stamp_on(signed_in(ada).get(f"/messages/{conversation.pk}/").content.decode())
    response = signed_in(cara).get(f"/messages/{conversation.pk}/changes/?since={stamp}")
    assert response.status_code == 404 and b"Just between us" not in response.content
    visitor = Client().get(f"/messages/{conversation.pk}/changes/?since={stamp}")
    assert visitor.status_code != 204 and b"Just between us" not in visitor.content
    assert b'id="message-list"' not in visitor.content


def test_a_banned_member_s_check_ends_their_session_once_anything_changes(ada, ben, django_capture_on_commit_callbacks):
    conversation = accepted_conversation(ada, ben)
    client = signed_in(ada)
    stamp = stamp_on(client.get(f"/messages/{conversation.pk}/").content.decode())
    ada.banned_at = timezone.now()
    ada.save(update_fields=["banned_at"])
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(sender=ben, recipient_id=ada.pk, text="Hello?")
    response = client.get(f"/messages/{conversation.pk}/changes/?since={stamp}")
    assert response.status_code in (302, 403) and b"Hello?" not in response.content


def test_sending_with_htmx_returns_the_list_with_the_new_message(ada, ben):
    conversation = accepted_conversation(ada, ben)
    response = signed_in(ben).post(
        f"/messages/{conversation.pk}/", {"text": "Thank you for asking"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="message-list"' in html and "<html" not in html
    assert "Thank you for asking" in html


def test_a_refused_message_with_htmx_comes_back_in_its_form_with_the_words_kept(ada, ben):
    conversation = accepted_conversation(ada, ben)
    too_long = "I wanted to tell you everything. " * 200
    response = signed_in(ben).post(f"/messages/{conversation.pk}/", {"text": too_long}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#message-form" and response["HX-Reswap"] == "outerHTML"
    assert "5,000 characters" in html and "I wanted to tell you everything." in html
    assert conversation.messages.count() == 1


def test_words_of_risk_sent_with_htmx_reload_the_page_to_offer_help(ada, ben):
    conversation = accepted_conversation(ada, ben)
    response = signed_in(ben).post(
        f"/messages/{conversation.pk}/", {"text": "Some days I want to end my life"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == f"/messages/{conversation.pk}/#newest"
