"""Feed, question list and question page: a fixed number of queries however many rows there are."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community import fragments, services
from tests.articles.factories import PublishedArticleFactory, TopicFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory, picture_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _item_ages_stand_still(monkeypatch):
    # An item under a minute old gets a new cache key every second ("5 seconds ago"), so on a slow
    # machine the counted request could rebuild a fragment the warm-up had cached. Seen from an hour
    # later, every item here stays in the same minute for the whole test.
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(fragments, "timezone", SimpleNamespace(now=lambda: later))


def queries_for(client, url) -> int:
    client.get(url)  # warm up: session, site and content type caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def assert_fixed(client, url, add_rows, django_assert_num_queries):
    few = queries_for(client, url)
    add_rows()
    client.get(url)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _busy_update(author, members, *, picture=False):
    update = (
        services.update_create(author=author, text="A busy update", picture=picture_upload())
        if picture
        else UpdateFactory(author=author)
    )
    for reactor in members:
        for kind in ("hug", "like", "thanks"):
            services.reaction_toggle(member=reactor, update=update, kind=kind)
    top = CommentFactory(update=update, author=members[0])
    CommentFactory(update=update, author=members[1], parent=top)
    return update


def test_the_feed_runs_a_fixed_number_of_queries(member_client, member, other_member, django_assert_num_queries):
    _busy_update(other_member, [member, other_member])
    services.team_add(member=member, teammate=other_member)

    def add_rows():
        authors = [UserFactory() for _ in range(5)]
        for n in range(15):
            author = authors[n % 5]
            author.profile.avatar = picture_upload(name="avatar.png") if n == 0 else ""
            _busy_update(author, [member, authors[(n + 1) % 5]], picture=n % 4 == 0)

    response = assert_fixed(member_client, reverse("activity_list"), add_rows, django_assert_num_queries)
    assert response.content.decode().count('class="post"') == 16


@pytest.mark.parametrize("scope", ["team", "like_me"])
def test_the_feed_filters_run_a_fixed_number_of_queries(
    member_client, member, other_member, django_assert_num_queries, scope
):
    member.profile.diagnosis = "nsclc"
    member.profile.save()

    def add_member_like_me():
        user = UserFactory()
        user.profile.diagnosis = "nsclc"
        user.profile.save()
        services.team_add(member=member, teammate=user)
        return user

    _busy_update(add_member_like_me(), [member, other_member])

    def add_rows():
        for _ in range(6):
            _busy_update(add_member_like_me(), [member, other_member])

    response = assert_fixed(member_client, f"/activities/?show={scope}", add_rows, django_assert_num_queries)
    assert response.content.decode().count('class="post"') == 7


def test_an_update_page_runs_a_fixed_number_of_queries(member_client, member, other_member, django_assert_num_queries):
    update = _busy_update(other_member, [member, other_member])

    def add_rows():
        for _ in range(6):
            top = CommentFactory(update=update, author=UserFactory())
            for _ in range(3):
                CommentFactory(update=update, author=UserFactory(), parent=top)

    response = assert_fixed(member_client, update.get_absolute_url(), add_rows, django_assert_num_queries)
    assert response.content.decode().count("comment--reply") == 19


@pytest.mark.parametrize("tab", ["newest", "unanswered", "most_helpful"])
def test_the_question_list_runs_a_fixed_number_of_queries(
    client, member_client, other_member, django_assert_num_queries, tab
):
    topic = TopicFactory()
    QuestionFactory(author=other_member, topic=topic, title="The first question with a topic?")

    def add_rows():
        for n in range(15):
            question = QuestionFactory(author=UserFactory(), topic=TopicFactory() if n % 2 else None)
            if n % 3 and tab != "unanswered":
                AnswerFactory(question=question)

    url = f"{reverse('question_list')}?tab={tab}"
    assert_fixed(member_client, url, add_rows, django_assert_num_queries)
    # Visitors too. Rows whose HTML is not cached yet are read again, all of them in one statement.
    client.get(url)
    with CaptureQueriesContext(connection) as visitor:
        client.get(url)
    for _ in range(3):
        QuestionFactory()
    with django_assert_num_queries(len(visitor.captured_queries) + 1):
        client.get(url)
    with django_assert_num_queries(len(visitor.captured_queries)):
        client.get(url)


def test_the_question_page_runs_a_fixed_number_of_queries(
    member_client, member, other_member, django_assert_num_queries, monkeypatch
):
    # Nothing kept in the fragment cache: every answer is rendered, with its comments read (a
    # cached answer's key changes with its "3 days ago", every second in its first minute).
    monkeypatch.setattr(fragments, "TIMEOUT", 0)
    question = QuestionFactory(author=other_member, topic=TopicFactory())
    first = AnswerFactory(question=question, author=other_member)
    top = CommentFactory(update=None, answer=first, author=member)
    CommentFactory(update=None, answer=first, author=other_member, parent=top)
    services.helpful_vote_toggle(member=member, answer=first)

    def add_rows():
        for n in range(8):
            answer = AnswerFactory(question=question, author=UserFactory())
            if n % 2:
                services.helpful_vote_toggle(member=member, answer=answer)
            for _ in range(2):
                top = CommentFactory(update=None, answer=answer, author=UserFactory())
                for _ in range(2):
                    CommentFactory(update=None, answer=answer, author=UserFactory(), parent=top)
        services.answer_accept(actor=other_member, answer=answer)

    response = assert_fixed(member_client, question.get_absolute_url(), add_rows, django_assert_num_queries)
    assert len(re.findall(r'<article class="answer[^"]*" id="answer-\d+"', response.content.decode())) == 9


def test_the_question_page_for_visitors_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    question = QuestionFactory()

    def add_rows():
        for _ in range(5):
            AnswerFactory(question=question)

    assert_fixed(client, question.get_absolute_url(), add_rows, django_assert_num_queries)


def test_article_comments_run_a_fixed_number_of_queries(member_client, django_assert_num_queries):
    article = PublishedArticleFactory()
    top = CommentFactory(update=None, article=article)
    CommentFactory(update=None, article=article, parent=top)

    def add_rows():
        for _ in range(5):
            top = CommentFactory(update=None, article=article, author=UserFactory())
            for _ in range(2):
                CommentFactory(update=None, article=article, author=UserFactory(), parent=top)

    assert_fixed(member_client, article.get_absolute_url(), add_rows, django_assert_num_queries)


def test_posting_a_comment_reads_the_block_list_once_and_runs_a_fixed_number_of_queries(
    member_client, member, other_member
):
    update = UpdateFactory(author=other_member)
    url = reverse("update_comment", args=[update.pk])

    def post(text):
        with CaptureQueriesContext(connection) as context:
            response = member_client.post(url, {"text": text})
        assert response.status_code == 302
        return [query["sql"] for query in context.captured_queries]

    post("A first comment, to warm the caches.")
    first = post("A second comment.")
    assert sum('"community_block"' in sql for sql in first) == 1
    for number in range(30):
        CommentFactory(update=update, author=other_member, text=f"Reply {number}")
    assert len(post("A comment on a longer thread.")) == len(first)
