"""A visitor's pages set no cookie: nothing to track them by, and the page cache can keep each page whole."""

import pytest
from django.urls import reverse

from articles.models import Treatment
from tests.articles.factories import PublishedArticleFactory, TopicFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor_pages(member, other_member):
    topic = TopicFactory()
    article = PublishedArticleFactory(topics=[topic])
    CommentFactory(author=other_member, update=None, article=article, text="This helped me before my first scan.")
    question = QuestionFactory(author=member, title="How did you sleep during radiotherapy?", topic=topic)
    answer = AnswerFactory(author=other_member, question=question, text="A wedge pillow helped.")
    CommentFactory(author=member, update=None, answer=answer, text="Thank you, I will try one.")
    treatment = Treatment.objects.order_by("pk").first()
    return [
        "/",
        reverse("article_list"),
        article.get_absolute_url(),
        reverse("article_feed"),
        reverse("contributor_detail", args=[article.author_id]),
        reverse("question_list"),
        f"{reverse('question_list')}?tab=unanswered",
        f"{reverse('question_list')}?topic={topic.slug}",
        question.get_absolute_url(),
        reverse("topic_hub", args=[topic.slug]),
        reverse("treatment_hub", args=[treatment.slug]),
        reverse("subscribe"),
        reverse("crisis"),
        *(f"/{slug}/" for slug in ("about", "guidelines", "privacy", "terms", "your-data")),
        "/sitemap.xml",
    ]


def test_no_visitor_page_sets_a_cookie(client, visitor_pages):
    for url in visitor_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
