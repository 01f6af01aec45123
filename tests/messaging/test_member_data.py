import pytest

from accounts import services as account_services
from accounts.data_export import document
from messaging import services
from messaging.models import Conversation, Message, Participant
from tests.messaging.helpers import accepted_conversation

pytestmark = pytest.mark.django_db


def test_download_my_data_holds_every_conversation_i_am_in(ada, ben, cara):
    accepted_conversation(ada, ben, text="Hello Ben")
    services.message_send(sender=ben, recipient_id=ada.pk, text="Hello Ada")
    services.message_send(sender=cara, recipient_id=ada.pk, text="A request from Cara")
    conversations = document(ada)["private_messages"]
    assert [c["with"] for c in conversations] == ["Ben", "Cara"]
    assert [(m["from"], m["text"]) for m in conversations[0]["messages"]] == [
        ("me", "Hello Ben"),
        ("them", "Hello Ada"),
    ]
    assert conversations[1]["my_state"] == Participant.State.PENDING
    assert document(ada)["email_preferences"] is None or "new_messages" in document(ada)["email_preferences"]


def test_deleting_my_account_deletes_what_i_sent_and_the_other_sees_i_have_left(ada, ben, client):
    conversation = accepted_conversation(ada, ben, text="Words from Ada")
    services.message_send(sender=ben, recipient_id=ada.pk, text="Words from Ben")
    account_services.account_delete(actor=ada, member=ada, keep_answers_and_comments=False)
    assert not Message.objects.filter(text="Words from Ada").exists()
    assert Message.objects.filter(text="Words from Ben").exists()
    conversation.refresh_from_db()
    assert ben.pk in (conversation.member_low_id, conversation.member_high_id)
    assert None in (conversation.member_low_id, conversation.member_high_id)
    client.force_login(ben)
    page = client.get(f"/messages/{conversation.pk}/")
    assert page.status_code == 200
    assert b"This member has left Kindred" in page.content
    assert b"Words from Ada" not in page.content
    inbox = client.get("/messages/")
    assert b"A member who has left Kindred" in inbox.content


def test_when_both_members_have_left_the_conversation_goes(ada, ben):
    accepted_conversation(ada, ben)
    account_services.account_delete(actor=ada, member=ada, keep_answers_and_comments=False)
    account_services.account_delete(actor=ben, member=ben, keep_answers_and_comments=True)
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()
