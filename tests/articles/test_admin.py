import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRevision
from tests.articles.factories import (
    ArticleFactory,
    ContributorFactory,
    PublishedArticleFactory,
    ReviewerFactory,
    TopicFactory,
    give_totp,
    make_editor,
    make_publisher,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def as_user(client, user):
    client.force_login(user)
    return client


def run_action(client, action, *articles):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in articles]}, follow=True)


def add_form_data(**overrides):
    author, reviewer = ContributorFactory(), ReviewerFactory()
    data = {
        "title": "Understanding biomarker tests",
        "slug": "understanding-biomarker-tests",
        "summary": "What the tests look for.",
        "body": "## Why test\n\nBecause it guides treatment[^1].",
        "hero_alt": "",
        "author": author.pk,
        "reviewer": reviewer.pk,
        "topics": [TopicFactory().pk],
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-0-number": "1",
        "references-0-title": "Biomarker testing for cancer treatment",
        "references-0-source": "National Cancer Institute",
        "references-0-url": "https://www.cancer.gov/about-cancer/treatment/types/biomarker-testing-cancer-treatment",
        "references-0-year": "2024",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_an_editor_adds_an_article_with_a_reference_and_sends_it_for_review(client):
    client = as_user(client, make_editor())
    response = client.post(ADD, add_form_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="understanding-biomarker-tests")
    assert article.status == Article.Status.DRAFT
    assert article.references.get().number == 1
    assert 'id="why-test"' in article.body_html

    changelist = client.get(CHANGELIST).content.decode()
    assert "send_for_review" in changelist
    assert "publish_now" not in changelist and "delete_selected" not in changelist

    run_action(client, "send_for_review", article)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_the_admin_refuses_a_reviewer_who_is_not_a_medical_reviewer(client):
    client = as_user(client, make_editor())
    layperson = ContributorFactory(name="Pat Jones")
    response = client.post(ADD, add_form_data(reviewer=layperson.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reviewer"] == [
        "Pat Jones is not a medical reviewer. Choose a contributor marked as a medical reviewer, "
        "or mark Pat Jones as one on their contributor page if they are qualified."
    ]
    assert not Article.objects.exists()


def test_an_editor_cannot_publish_even_by_posting_the_action(client):
    client = as_user(client, make_editor())
    article = ArticleFactory(status=Article.Status.IN_REVIEW)
    response = run_action(client, "publish_now", article)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_a_publisher_publishes_through_the_action(client):
    client = as_user(client, make_publisher())
    article = ArticleFactory(status=Article.Status.IN_REVIEW)
    response = run_action(client, "publish_now", article)
    assert "1 article(s) published or scheduled." in response.content.decode()
    article.refresh_from_db()
    assert article.is_public


def test_a_refused_publication_names_what_is_missing(client):
    client = as_user(client, make_publisher())
    article = ArticleFactory(title="Half done", reviewer=None, summary="", references=0, hero_image="", hero_alt="")
    html = run_action(client, "publish_now", article).content.decode()
    assert (
        "“Half done” cannot be published yet. It needs: a medical reviewer, a summary, a hero image, "
        "hero image alt text, at least one reference." in html
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_archive_and_mark_reviewed_actions(client):
    publisher = make_publisher()
    client = as_user(client, publisher)
    reviewed, archived = PublishedArticleFactory(), PublishedArticleFactory()
    run_action(client, "mark_reviewed", reviewed)
    run_action(client, "archive", archived)
    reviewed.refresh_from_db()
    archived.refresh_from_db()
    assert reviewed.last_reviewed_by == publisher and reviewed.revisions.get().is_medical_review
    assert archived.status == Article.Status.ARCHIVED


def test_editors_cannot_delete_articles_and_nobody_but_superusers_deletes_a_published_one(client):
    published, draft = PublishedArticleFactory(), ArticleFactory()
    delete_url = reverse("admin:articles_article_delete", args=[published.pk])

    as_user(client, make_editor())
    assert client.post(delete_url, {"post": "yes"}).status_code == 403

    as_user(client, make_publisher())
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    run_action(client, "delete_selected", published)
    assert Article.objects.filter(pk=published.pk).exists()
    client.post(reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=draft.pk).exists()

    as_user(client, give_totp(UserFactory(is_staff=True, is_superuser=True)))
    client.post(delete_url, {"post": "yes"})
    assert not Article.objects.filter(pk=published.pk).exists()


def test_the_list_shows_the_workflow_columns_and_filters_overdue_reviews(client):
    as_user(client, make_editor())
    overdue = PublishedArticleFactory(title="Overdue one", review_due_at=timezone.now() - datetime.timedelta(days=2))
    PublishedArticleFactory(title="Fresh one")
    html = client.get(CHANGELIST).content.decode()
    for column in ("Status", "Author", "Medical reviewer", "Published at", "Review due at"):
        assert column in html
    response = client.get(CHANGELIST, {"review_overdue": "yes"})
    assert list(response.context["cl"].queryset) == [overdue]
    response = client.get(CHANGELIST, {"q": "Fresh"})
    assert [a.title for a in response.context["cl"].queryset] == ["Fresh one"]


def test_editing_a_published_article_keeps_a_revision_visible_read_only(client):
    editor = make_editor()
    as_user(client, editor)
    article = PublishedArticleFactory()
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(change_url).context["adminform"].form
    data = add_form_data(
        title=article.title,
        slug=article.slug,
        summary="A corrected summary.",
        body=article.body,
        hero_alt=article.hero_alt,
        author=article.author_id,
        reviewer=article.reviewer_id,
        topics=[],
        **{
            "references-INITIAL_FORMS": "1",
            "references-0-id": str(article.references.get().pk),
            "references-0-article": str(article.pk),
        },
    )
    assert "published_at" not in form.fields  # read-only for editors
    response = client.post(change_url, data)
    assert response.status_code == 302
    revision = ArticleRevision.objects.get()
    assert revision.changed_fields == ["summary"] and revision.editor == editor

    html = client.get(reverse("admin:articles_articlerevision_change", args=[revision.pk])).content.decode()
    assert "+A corrected summary." in html
    assert "-A short summary for readers." in html
    assert client.post(reverse("admin:articles_articlerevision_delete", args=[revision.pk])).status_code == 403
