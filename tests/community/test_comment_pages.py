"""Long comment threads come a page at a time, and a member who posts lands where the comment is."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community import selectors
from tests.articles.factories import PublishedArticleFactory
from tests.community.factories import AnswerFactory, CommentFactory, UpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "COMMENTS_PER_PAGE", 3)


def oldest_first(count, **target):
    start = timezone.now() - timedelta(days=1)
    return [
        CommentFactory(text=f"Comment number {n:02d}.", created_at=start + timedelta(minutes=n), **target)
        for n in range(count)
    ]


def test_a_long_thread_under_an_update_comes_a_page_at_a_time(member_client, small_pages):
    update = UpdateFactory()
    oldest_first(5, update=update)
    url = reverse("update_detail", args=[update.pk])
    first = member_client.get(url).content.decode()
    assert [f"Comment number {n:02d}." in first for n in range(5)] == [True, True, True, False, False]
    assert 'href="?page=2#comments">Next page</a>' in first
    second = member_client.get(url, {"page": 2}).content.decode()
    assert "Comment number 03." in second and "Comment number 04." in second
    assert "Comment number 00." not in second and 'href="?page=1#comments">Previous page</a>' in second


def test_a_new_comment_opens_the_page_that_shows_it(member_client, small_pages):
    update = UpdateFactory()
    oldest_first(4, update=update)
    url = reverse("update_detail", args=[update.pk])
    response = member_client.post(reverse("update_comment", args=[update.pk]), {"text": "Mine, the newest."})
    new = update.comments.get(text="Mine, the newest.")
    assert response.url == f"{url}?page=2#comment-{new.pk}"
    assert "Mine, the newest." in member_client.get(response.url).content.decode()


def test_a_reply_opens_the_page_of_the_comment_it_answers(member_client, small_pages):
    update = UpdateFactory()
    comments = oldest_first(5, update=update)
    response = member_client.post(
        reverse("update_comment", args=[update.pk]), {"text": "A reply on page two.", "parent": comments[4].pk}
    )
    assert "?page=2#comment-" in response.url
    assert "A reply on page two." in member_client.get(response.url).content.decode()


def test_a_comment_past_the_first_three_under_an_answer_opens_the_whole_thread(member_client):
    answer = AnswerFactory()
    oldest_first(3, answer=answer, update=None)
    question_url = answer.question.get_absolute_url()
    response = member_client.post(
        reverse("answer_comment", args=[answer.question.pk, answer.pk]), {"text": "The fourth word on this."}
    )
    assert response.url.startswith(f"{question_url}?comments={answer.pk}#comment-")
    assert "The fourth word on this." in member_client.get(response.url).content.decode()


def test_an_articles_comment_count_counts_every_page(member_client, small_pages):
    article = PublishedArticleFactory()
    comments = oldest_first(4, article=article, update=None)
    CommentFactory(article=article, update=None, parent=comments[0], author=UserFactory(), text="A reply.")
    page = member_client.get(article.get_absolute_url()).content.decode()
    assert "5 comments" in page
    assert 'href="?page=2#comments">Next page</a>' in page


def test_a_new_answer_and_a_comment_under_it_open_the_page_of_answers_that_shows_it(member_client, monkeypatch):
    monkeypatch.setattr(selectors, "ANSWERS_PER_PAGE", 2)
    answer = AnswerFactory()
    question = answer.question
    AnswerFactory(question=question)
    response = member_client.post(question.get_absolute_url(), {"text": "A third answer, from me."})
    mine = question.answers.get(text="A third answer, from me.")
    assert response.url == f"{question.get_absolute_url()}?page=2#answer-{mine.pk}"
    assert "A third answer, from me." in member_client.get(response.url).content.decode()
    oldest_first(3, answer=mine, update=None)
    response = member_client.post(
        reverse("answer_comment", args=[question.pk, mine.pk]), {"text": "And a fourth comment on it."}
    )
    assert response.url.startswith(f"{question.get_absolute_url()}?page=2&comments={mine.pk}#comment-")
    assert "And a fourth comment on it." in member_client.get(response.url).content.decode()


@pytest.mark.parametrize("kind", ["article", "update", "answer"])
def test_finding_a_new_comments_page_reads_the_threads_index_alone(member, kind):
    """A busy thread has thousands of comments, and each new one counts those before it. If what
    decides whether a comment is shown changes, the thread indexes must carry it too."""
    factories = {"article": PublishedArticleFactory, "update": UpdateFactory, "answer": AnswerFactory}
    comments = oldest_first(3, **{"update": None, kind: factories[kind]()})
    with CaptureQueriesContext(connection) as statements:
        selectors.comment_page_query(viewer=member, comment=comments[-1])
    count = next(s["sql"] for s in statements if "COUNT(" in s["sql"])
    # PostgreSQL answers from the index alone when the index holds every column the statement reads.
    # (Asking the planner instead depends on its version and on the table's statistics: PostgreSQL 18
    # also turns index-only scans off with enable_indexscan, and a tiny table is cheapest read whole.)
    read = set(re.findall(r'"community_comment"\."(\w+)"', count))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attribute.attname FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid "
            "JOIN pg_attribute attribute ON attribute.attrelid = pg_index.indrelid "
            "AND attribute.attnum = ANY(pg_index.indkey) WHERE pg_class.relname = %s",
            [f"comment_{kind}_thread"],
        )
        indexed = {row[0] for row in cursor.fetchall()}
    assert f"{kind}_id" in read
    assert read <= indexed, read - indexed
