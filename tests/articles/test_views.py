import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.factories import (
    ArticleFactory,
    ContributorFactory,
    PublishedArticleFactory,
    ReferenceFactory,
    ReviewerFactory,
    TopicFactory,
    make_editor,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}
HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.IN_REVIEW},
    "archived": {"status": Article.Status.ARCHIVED, "published_at": timezone.now() - datetime.timedelta(days=9)},
    "scheduled": {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + datetime.timedelta(days=1)},
}


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_articles_are_404_to_visitors_and_members_and_previewable_by_staff(client, member, state):
    article = ArticleFactory(**HIDDEN_STATES[state])
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert article.title not in client.get(reverse("article_list")).content.decode()

    client.force_login(make_editor())
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview." in html and article.title in html
    assert '<meta name="robots" content="noindex">' in html
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_published_article_reads_with_byline_toc_body_and_references_linked_both_ways(client):
    reviewer = ReviewerFactory(name="Grace Okafor", credentials="M.D.")
    author = ContributorFactory(name="Liam Chen", credentials="R.N.")
    article = PublishedArticleFactory(
        reviewer=reviewer,
        author=author,
        references=0,
        body="## What it is\n\nA fact[^1] and another[^2].\n\n### Detail\n\nMore[^1].",
        content_updated_at=timezone.now() - datetime.timedelta(days=1),
    )
    ReferenceFactory(
        article=article, number=1, title="Lung cancer, for patients", url="https://www.cancer.gov/types/lung"
    )
    ReferenceFactory(article=article, number=2, title="About lung cancer", url="https://www.cancer.org/")
    ReferenceFactory(article=article, number=3, title="Not cited", url="")

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    updated = article.content_updated_at.strftime("%-d %B %Y")
    byline = re.sub(r"<[^>]+>|\s+", lambda m: " " if m.group(0).isspace() else "", html.split('article-byline">')[1])
    assert byline.strip().startswith(
        f"Medically reviewed by Grace Okafor, M.D. · Written by Liam Chen, R.N. · Updated on {updated}"
    )
    assert f'<img src="{article.hero_image.url}" alt="A nurse talking with a patient."' in html
    assert '<a href="#what-it-is">What it is</a>' in html and '<a href="#detail">Detail</a>' in html
    assert '<h2 id="what-it-is">What it is</h2>' in html
    # Citation -> reference, and reference -> first citation.
    assert html.count('href="#ref-1"') == 2 and 'id="cite-1"' in html
    assert '<li id="ref-1" value="1">' in html and 'href="#cite-1"' in html
    assert '<li id="ref-2" value="2">' in html and 'href="#cite-2"' in html
    assert '<li id="ref-3" value="3">' in html and 'href="#cite-3"' not in html
    assert "Preview." not in html
    assert "being re-reviewed" not in html
    assert ' style="' not in html


def test_an_overdue_article_stays_up_with_a_calm_notice(client):
    article = PublishedArticleFactory(review_due_at=timezone.now() - datetime.timedelta(days=1))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "This article is being re-reviewed by our medical team" in html


def test_seo_tags_and_json_ld(client, settings):
    settings.SITE_URL = "https://kindred.example"
    article = PublishedArticleFactory(title='EGFR </script><script>alert(1)</script> & "you"', references=2)
    html = client.get(article.get_absolute_url()).content.decode()
    canonical = f"https://kindred.example/articles/{article.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert f'<meta name="description" content="{article.summary}">' in html
    assert "<script>alert(1)" not in html

    data = json_ld(html)
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == article.title
    assert data["url"] == canonical
    assert data["author"]["name"] == article.author.name
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": article.reviewer.name,
        "honorificSuffix": "M.D.",
        "url": f"https://kindred.example/contributors/{article.reviewer.pk}/",
    }
    assert data["lastReviewed"] == article.last_reviewed_at.date().isoformat()
    assert [c["name"] for c in data["citation"]] == [r.title for r in article.references.all()]
    assert data["citation"][0]["url"] == "https://www.cancer.gov/types/lung"


def test_the_list_shows_published_articles_newest_first_and_filters_by_topic(client):
    egfr = TopicFactory(name="EGFR", slug="egfr")
    older = PublishedArticleFactory(title="Older", published_at=timezone.now() - datetime.timedelta(days=5))
    newer = PublishedArticleFactory(title="Newer", topics=[egfr])
    ArticleFactory(title="Secret draft")

    html = client.get(reverse("article_list")).content.decode()
    assert html.index("Newer") < html.index("Older")
    assert "Secret draft" not in html
    assert f"Medically reviewed by {newer.reviewer.byline}" in html
    assert newer.summary in html

    html = client.get(reverse("article_list"), {"topic": "egfr"}).content.decode()
    assert "Newer" in html and older.title not in html
    assert client.get(reverse("article_list"), {"topic": "nope"}).status_code == 404


def test_the_list_is_paginated(client):
    for day in range(12):
        PublishedArticleFactory(title=f"Story {day:02}", published_at=timezone.now() - datetime.timedelta(days=day + 1))
    first = client.get(reverse("article_list")).content.decode()
    second = client.get(reverse("article_list"), {"page": 2}).content.decode()
    assert "Story 00" in first and "Story 10" not in first and "Page 1 of 2" in first
    assert "Story 10" in second and "Story 11" in second and "Story 00" not in second


def test_topic_and_contributor_pages_list_published_articles(client):
    topic = TopicFactory(name="Caregiving", description="Looking after someone.")
    writer = ContributorFactory(name="Ana Silva", bio="A caregiver for ten years.")
    PublishedArticleFactory(title="Shown", topics=[topic], author=writer)
    ArticleFactory(title="Hidden", topics=[topic], author=writer)

    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Looking after someone." in html and "Shown" in html and "Hidden" not in html
    html = client.get(writer.get_absolute_url()).content.decode()
    assert "A caregiver for ten years." in html and "Shown" in html and "Hidden" not in html


def test_related_articles_share_a_topic(client):
    shared, other = TopicFactory(), TopicFactory()
    article = PublishedArticleFactory(topics=[shared])
    PublishedArticleFactory(title="Sibling", topics=[shared])
    PublishedArticleFactory(title="Stranger", topics=[other])
    ArticleFactory(title="Draft sibling", topics=[shared])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Sibling" in html and "Stranger" not in html and "Draft sibling" not in html


def test_the_feed_is_valid_atom_listing_only_published_articles(client):
    published = PublishedArticleFactory(title="Out now")
    ArticleFactory(title="Not yet")
    PublishedArticleFactory(title="Tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))
    response = client.get(reverse("article_feed"))
    feed = ET.fromstring(response.content)  # noqa: S314 (our own response)
    titles = [entry.findtext("a:title", namespaces=ATOM_NS) for entry in feed.findall("a:entry", ATOM_NS)]
    assert titles == ["Out now"]
    assert feed.find("a:entry/a:link", ATOM_NS).get("href").endswith(published.get_absolute_url())


def test_the_sitemap_is_valid_xml_listing_published_articles_topics_and_pages(client):
    published = PublishedArticleFactory()
    draft = ArticleFactory()
    topic = TopicFactory()
    response = client.get("/sitemap.xml")
    sitemap = ET.fromstring(response.content)  # noqa: S314 (our own response)
    urls = [loc.text for loc in sitemap.findall("s:url/s:loc", SITEMAP_NS)]
    paths = {re.sub(r"^https?://[^/]+", "", url) for url in urls}
    assert published.get_absolute_url() in paths
    assert draft.get_absolute_url() not in paths
    assert topic.get_absolute_url() in paths
    assert {"/", "/about/", "/guidelines/", "/privacy/", "/terms/"} <= paths


def _detail_queries(django_assert_num_queries, client, article):
    with django_assert_num_queries(5) as captured:
        assert client.get(article.get_absolute_url()).status_code == 200
    return captured


def test_the_article_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    # article, its topics, its references, related articles, and the comment count for visitors
    small = PublishedArticleFactory(references=1, topics=[TopicFactory()])
    _detail_queries(django_assert_num_queries, client, small)

    topics = TopicFactory.create_batch(6)
    big = PublishedArticleFactory(references=8, topics=topics)
    for topic in topics:
        PublishedArticleFactory(topics=[topic])
    _detail_queries(django_assert_num_queries, client, big)


def test_the_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    # count, the page of articles, the topics for the filter
    topic = TopicFactory()
    PublishedArticleFactory(topics=[topic])
    with django_assert_num_queries(3):
        client.get(reverse("article_list"))
    for _ in range(9):
        PublishedArticleFactory(topics=TopicFactory.create_batch(2), reviewer=ReviewerFactory())
    with django_assert_num_queries(3):
        client.get(reverse("article_list"))
    with django_assert_num_queries(4):  # plus the chosen topic
        response = client.get(reverse("article_list"), {"topic": topic.slug})
    assert response.status_code == 200
