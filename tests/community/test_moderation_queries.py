"""The queue page runs a fixed number of queries, however long the queue and whatever it holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.moderation import services as moderation
from tests.articles.factories import PublishedArticleFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory
from tests.community.test_moderation import make_moderator, open_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _many_reports(settings):
    settings.REPORTS_PER_DAY = 10_000


def fill_queue(n: int, reporters: list) -> None:
    """n of each kind of item, each reported by every reporter, plus an appeal and a profile."""
    article = PublishedArticleFactory()
    decider = make_moderator()
    for _ in range(n):
        answer = AnswerFactory()
        items = [
            UpdateFactory(),
            QuestionFactory(),
            answer,
            CommentFactory(),
            CommentFactory(update=None, answer=answer),
            CommentFactory(update=None, answer=None, article=article),
            CommentFactory(parent=CommentFactory()),
            UserFactory(),
        ]
        for item in items:
            for reporter in reporters:
                moderation.report_create(reporter=reporter, item=item, reason="medical")
        worrying = UpdateFactory()
        moderation.report_create(reporter=reporters[0], item=worrying, reason="self_harm")
        removed = UpdateFactory()
        moderation.report_create(reporter=reporters[0], item=removed, reason="spam")
        action = moderation.review_remove(moderator=decider, review=open_review(removed), reason_code="spam")
        moderation.appeal_create(member=removed.author, action=action, text="Please look again")


def queue_queries(client, moderator) -> int:
    client.force_login(moderator)
    client.get("/moderation/")  # warm up: what every page keeps in the cache for its member
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/moderation/")
    assert response.status_code == 200
    return len(queries)


def test_the_queue_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    moderator = make_moderator()
    reporters = UserFactory.create_batch(2)
    fill_queue(1, reporters)
    few = queue_queries(client, moderator)

    fill_queue(2, [*reporters, UserFactory()])  # 30 items in all: more than a page of 25
    client.force_login(moderator)
    with django_assert_num_queries(few):
        response = client.get("/moderation/")
    assert response.content.count(b'class="review-row"') == 25
    # Page 2 holds only some kinds of item (one prefetch query per kind present): never more.
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as second_page:
        assert client.get("/moderation/?page=2").content.count(b'class="review-row"') == 5
    assert len(second_page) <= few
    assert few <= 20


def test_the_queue_of_one_kind_runs_no_more_queries_than_the_mix(client):
    moderator = make_moderator()
    reporters = UserFactory.create_batch(2)
    for _ in range(3):
        moderation.report_create(reporter=reporters[0], item=UpdateFactory(), reason="spam")
    one_kind = queue_queries(client, moderator)
    fill_queue(1, reporters)
    assert queue_queries(client, moderator) <= one_kind + 5


def test_the_audit_log_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    moderator = make_moderator()
    reporters = UserFactory.create_batch(2)
    fill_queue(1, reporters)
    client.force_login(moderator)
    client.get("/moderation/log/")  # warm up: what every page keeps in the cache for its member
    with CaptureQueriesContext(connection) as few:
        client.get("/moderation/log/")
    fill_queue(3, reporters)
    with django_assert_num_queries(len(few)):
        client.get("/moderation/log/")
