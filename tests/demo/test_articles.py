import pytest

from articles import services
from articles.models import Article, Topic
from demo import articles as demo

pytestmark = pytest.mark.django_db


def test_seed_creates_publishable_articles_once():
    created = demo.seed()
    assert len(created) == 6
    assert demo.seed() == []
    assert Article.objects.count() == 6
    assert Topic.objects.get(slug="egfr").biomarker.code == "EGFR"
    for article in Article.objects.select_related("reviewer"):
        assert article.is_public
        assert services.article_publish_problems(article=article) == [], article.slug
        assert article.reviewer.credentials == "M.D."
        assert 300 <= len(article.body.split()) <= 600, article.slug
        assert len(article.toc) >= 3
        assert set(article.cited_reference_numbers) == set(article.references.values_list("number", flat=True))
