"""Reads of articles, filtered to what the viewer may see.

Readers see an article only while it is published and its `published_at` has passed, so a
scheduled article appears on time without any cron job. Drafts, articles in review, scheduled
and archived articles answer 404 to everyone except staff who may preview them. Archived
articles answer 404 too rather than showing an "archived" notice: an article we withdrew may
hold advice we no longer stand behind, and a 404 keeps it out of search engines' caches.
"""

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from articles.models import Article, Contributor, SearchSynonym, Topic, Treatment
from articles.permissions import can_preview

LIST_FIELDS_DEFERRED = ("body", "body_html", "toc", "cited_reference_numbers")
# Dropped by articles/signals.py whenever staff change a treatment or a synonym.
SEARCH_VOCABULARY_KEY = "articles:search-vocabulary"
# Dropped whenever staff save an article; an article published on schedule, without a save, is in
# within the hour.
TITLE_WORDS_KEY = "articles:title-words"
TITLE_WORDS_SECONDS = 60 * 60
# Dropped whenever staff add, rename or delete a topic.
TOPIC_CHOICES_KEY = "articles:topic-choices"


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())


def review_overdue_q() -> Q:
    return Q(status=Article.Status.PUBLISHED, review_due_at__lt=timezone.now())


def article_list(*, topic: Topic | None = None) -> QuerySet[Article]:
    """Published articles for lists and feeds, newest first, with what a card shows."""
    articles = published_articles().select_related("author", "reviewer").defer(*LIST_FIELDS_DEFERRED)
    if topic is not None:
        articles = articles.filter(topics=topic)
    return articles.order_by("-published_at", "-pk")


def latest_articles(*, limit: int = 3) -> list[Article]:
    return list(article_list()[:limit])


def topics() -> QuerySet[Topic]:
    return Topic.objects.all()


@dataclass(frozen=True)
class TopicChoice:
    pk: int
    slug: str
    name: str


def topic_choices() -> list[TopicChoice]:
    """Every topic by name, for the question list's topic filter. Members open the list far more
    often than staff change topics, so this is one cache read instead of a query."""
    rows = cache.get(TOPIC_CHOICES_KEY)
    if rows is None:
        rows = list(Topic.objects.order_by("name").values_list("pk", "slug", "name"))
        cache.set(TOPIC_CHOICES_KEY, rows, timeout=None)
    return [TopicChoice(*row) for row in rows]


def topic_by_slug(*, slug: str) -> Topic:
    return get_object_or_404(Topic, slug=slug)


def topic_for_hub(*, slug: str) -> Topic:
    return get_object_or_404(Topic.objects.select_related("biomarker"), slug=slug)


def treatments() -> QuerySet[Treatment]:
    return Treatment.objects.order_by("generic_name")


def treatments_for_biomarker(*, biomarker) -> QuerySet[Treatment]:
    return treatments().filter(targets=biomarker)


def search_vocabulary() -> dict[str, list[str]]:
    """Every drug name and synonym term a member may type, lowercased, with its other names.

    Search reads this on every query; from the cache it is one read instead of two queries.
    """
    vocabulary = cache.get(SEARCH_VOCABULARY_KEY)
    if vocabulary is None:
        vocabulary = {}
        for treatment in Treatment.objects.only("generic_name", "brand_names"):
            for name in treatment.names:
                vocabulary.setdefault(name.lower(), []).extend(n for n in treatment.names if n.lower() != name.lower())
        for synonym in SearchSynonym.objects.all():
            vocabulary.setdefault(synonym.term.lower(), []).extend(synonym.alternative_list)
        cache.set(SEARCH_VOCABULARY_KEY, vocabulary, timeout=None)
    return vocabulary


def title_words() -> list[str]:
    """The words of published articles' titles (four letters or more, lowercased): a vocabulary
    spelled by staff, for "Did you mean"."""
    words = cache.get(TITLE_WORDS_KEY)
    if words is None:
        titles = published_articles().values_list("title", flat=True)
        words = sorted({word for title in titles for word in re.findall(r"[^\W\d_]{4,}", title.lower())})
        cache.set(TITLE_WORDS_KEY, words, TITLE_WORDS_SECONDS)
    return words


def treatment_for_hub(*, slug: str) -> Treatment:
    """The treatment with its targets and each target's topic (for links): three queries."""
    return get_object_or_404(Treatment.objects.prefetch_related("targets__topics"), slug=slug)


def treatment_articles(*, treatment: Treatment) -> QuerySet[Article]:
    return article_list().filter(treatments=treatment)


def article_for_viewer(*, viewer, slug: str) -> Article:
    """The article with everything its page shows, or 404 when this viewer may not see it."""
    articles = Article.objects.select_related("author", "reviewer").prefetch_related("topics", "references")
    if not can_preview(viewer):
        articles = articles.filter(pk__in=published_articles().values("pk"))
    try:
        return articles.get(slug=slug)
    except Article.DoesNotExist as exc:
        raise Http404("No article here.") from exc


def related_articles(*, article: Article, limit: int = 3) -> list[Article]:
    """Published articles sharing the most topics with this one (uses the prefetched topics)."""
    topic_ids = [topic.pk for topic in article.topics.all()]
    if not topic_ids:
        return []
    return list(
        article_list()
        .filter(topics__in=topic_ids)
        .exclude(pk=article.pk)
        .annotate(shared_topics=Count("topics"))
        .order_by("-shared_topics", "-published_at")[:limit]
    )


def contributor_by_id(*, contributor_id: int) -> Contributor:
    return get_object_or_404(Contributor, pk=contributor_id)


def contributor_articles(*, contributor: Contributor) -> QuerySet[Article]:
    return article_list().filter(Q(author=contributor) | Q(reviewer=contributor))
