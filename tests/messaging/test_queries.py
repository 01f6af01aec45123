"""The inbox and a conversation read the same number of queries however long they are."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from messaging import selectors
from messaging.models import Message
from tests.factories import UserFactory
from tests.messaging.helpers import accepted_conversation, put_on_team

pytestmark = pytest.mark.django_db


def conversations_for(member, count: int) -> None:
    for other in UserFactory.create_batch(count):
        put_on_team(member, other)
        conversation = accepted_conversation(other, member, text="Hello " * 40)
        Message.objects.create(conversation=conversation, author=member, text="Thank you")


def page_queries(client, url: str) -> int:
    # Once first, so the header's unread count is in the cache as on most pages (a miss costs one query).
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_inbox_selectors_read_one_query_each(ada, django_assert_num_queries):
    conversations_for(ada, 12)
    with django_assert_num_queries(1):
        page = selectors.inbox_page(viewer=ada)
        assert len(page.object_list) == 12
        assert all(place.other.profile is not None for place in page.object_list)
    with django_assert_num_queries(1):
        selectors.requests_for(viewer=ada)


def test_the_inbox_page_does_not_grow_with_the_conversations(ada):
    client = Client()
    client.force_login(ada)
    conversations_for(ada, 2)
    few = page_queries(client, "/messages/")
    conversations_for(ada, 15)
    assert page_queries(client, "/messages/") == few
    print(f"inbox page: {few} queries")


def test_a_conversation_reads_its_messages_in_one_query(ada, ben, django_assert_num_queries):
    conversation = accepted_conversation(ada, ben)
    Message.objects.bulk_create([Message(conversation=conversation, author=ben, text=f"m{n}") for n in range(80)])
    with django_assert_num_queries(1):
        page = selectors.conversation_messages(conversation=conversation)
    assert len(page.messages) == selectors.CONVERSATION_PAGE and page.has_earlier


def test_the_conversation_page_does_not_grow_with_the_messages(ada, ben):
    conversation = accepted_conversation(ada, ben)
    client = Client()
    client.force_login(ada)
    url = f"/messages/{conversation.pk}/"
    few = page_queries(client, url)
    Message.objects.bulk_create([Message(conversation=conversation, author=ben, text=f"m{n}") for n in range(120)])
    Message.objects.bulk_create([Message(conversation=conversation, author=ada, text=f"a{n}") for n in range(20)])
    assert page_queries(client, url) == few
    print(f"conversation page: {few} queries")
