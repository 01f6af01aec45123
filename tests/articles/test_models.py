import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import EDITORS_GROUP, Biomarker
from articles.models import Article, Topic
from tests.articles.factories import ArticleFactory, ReferenceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_a_published_article_needs_a_publication_date():
    article = ArticleFactory()
    article.status = Article.Status.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


def test_a_hero_image_needs_alt_text():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(hero_alt="")


def test_slugs_are_unique():
    ArticleFactory(slug="egfr")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="egfr")


def test_reference_numbers_are_unique_per_article_and_ordered():
    article = ArticleFactory(references=0)
    ReferenceFactory(article=article, number=2)
    ReferenceFactory(article=article, number=1)
    assert [r.number for r in article.references.all()] == [1, 2]
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFactory(article=article, number=1)
    ReferenceFactory(article=ArticleFactory(references=0), number=1)


def test_one_topic_per_biomarker():
    egfr = Biomarker.objects.get(code="EGFR")
    TopicFactory(biomarker=egfr)
    TopicFactory(biomarker=None)
    TopicFactory(biomarker=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicFactory(biomarker=egfr)
    assert Topic.objects.filter(biomarker__isnull=True).count() == 2


def test_editors_may_write_but_neither_publish_nor_delete():
    codenames = set(Group.objects.get(name=EDITORS_GROUP).permissions.values_list("codename", flat=True))
    for model in ("article", "reference", "contributor", "topic"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
        assert f"delete_{model}" not in codenames
    assert "view_articlerevision" in codenames
    assert "change_articlerevision" not in codenames
    assert "publish_article" not in codenames


def test_updated_on_is_never_before_publication():
    published = timezone.now()
    article = Article(published_at=published, content_updated_at=published - datetime.timedelta(days=5))
    assert article.updated_on == published
    article.content_updated_at = published + datetime.timedelta(days=5)
    assert article.updated_on == article.content_updated_at
