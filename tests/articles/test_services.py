import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import selectors, services
from articles.models import Article, ArticleRevision
from tests.articles.factories import (
    ArticleFactory,
    ContributorFactory,
    PublishedArticleFactory,
    make_editor,
    make_publisher,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def publisher():
    return make_publisher()


def test_editor_sends_a_draft_for_review(editor):
    article = services.article_submit_for_review(actor=editor, article=ArticleFactory())
    assert article.status == Article.Status.IN_REVIEW
    with pytest.raises(ValidationError, match="Only drafts"):
        services.article_submit_for_review(actor=editor, article=article)


def test_members_cannot_touch_articles():
    member = UserFactory()
    with pytest.raises(PermissionDenied):
        services.article_submit_for_review(actor=member, article=ArticleFactory())
    with pytest.raises(PermissionDenied):
        services.article_save_with_revision(actor=member, article=ArticleFactory.build(author=ContributorFactory()))


def test_an_editor_cannot_publish_archive_or_claim_a_review(editor):
    article = ArticleFactory(status=Article.Status.IN_REVIEW)
    for service in (services.article_publish, services.article_archive, services.article_mark_reviewed):
        with pytest.raises(PermissionDenied):
            service(actor=editor, article=article)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_an_editor_cannot_publish_by_saving_the_status_either(editor):
    article = ArticleFactory()
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    with pytest.raises(PermissionDenied):
        services.article_save_with_revision(actor=editor, article=article)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_a_publisher_publishes_now(publisher):
    before = timezone.now()
    article = services.article_publish(actor=publisher, article=ArticleFactory(status=Article.Status.IN_REVIEW))
    assert article.status == Article.Status.PUBLISHED
    assert before <= article.published_at <= timezone.now()
    assert article in selectors.published_articles()
    with pytest.raises(ValidationError, match="already published"):
        services.article_publish(actor=publisher, article=article)


def test_publishing_is_refused_naming_everything_missing(publisher):
    article = ArticleFactory(reviewer=None, summary=" ", hero_image="", hero_alt="", references=0)
    with pytest.raises(ValidationError) as refusal:
        services.article_publish(actor=publisher, article=article)
    message = refusal.value.messages[0]
    for missing in ("a medical reviewer", "a summary", "a hero image", "hero image alt text", "at least one reference"):
        assert missing in message
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.published_at is None


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"reviewer": None}, "a medical reviewer"),
        ({"summary": ""}, "a summary"),
        ({"references": 0}, "at least one reference"),
        ({"hero_image": "", "hero_alt": ""}, "hero image alt text"),
    ],
)
def test_each_missing_item_alone_blocks_publishing(publisher, changes, missing):
    article = ArticleFactory(**changes)
    with pytest.raises(ValidationError, match=missing):
        services.article_publish(actor=publisher, article=article)


def test_a_reviewer_who_is_not_medical_blocks_publishing_and_saving(publisher):
    article = ArticleFactory(reviewer=ContributorFactory(name="Sam"))
    with pytest.raises(ValidationError, match=r"a medical reviewer \(Sam is not one\)"):
        services.article_publish(actor=publisher, article=article)
    with pytest.raises(ValidationError, match="Sam is not a medical reviewer"):
        services.article_save_with_revision(actor=publisher, article=article)


def test_a_body_citing_a_missing_reference_blocks_publishing(publisher):
    article = ArticleFactory(body="Fact[^1] and another[^4].")
    with pytest.raises(ValidationError, match=r"reference \[4\], which the body cites"):
        services.article_publish(actor=publisher, article=article)


def test_a_scheduled_article_appears_once_its_time_has_come(publisher):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    article = services.article_publish(actor=publisher, article=ArticleFactory(published_at=tomorrow))
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == tomorrow
    assert article not in selectors.published_articles()
    assert not article.is_public

    # Time passes: no job runs, the query simply starts to match.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    assert article in selectors.published_articles()


def test_archiving_takes_an_article_off_the_site(publisher):
    article = services.article_archive(actor=publisher, article=PublishedArticleFactory())
    assert article.status == Article.Status.ARCHIVED
    assert article not in selectors.published_articles()


def test_saving_a_draft_keeps_no_revision_but_renders_the_body(editor):
    article = ArticleFactory()
    article.body = "## New heading\n\nNew text[^1]."
    services.article_save_with_revision(actor=editor, article=article)
    article.refresh_from_db()
    assert '<h2 id="new-heading">New heading</h2>' in article.body_html
    assert article.toc == [{"level": 2, "id": "new-heading", "name": "New heading"}]
    assert not ArticleRevision.objects.exists()


def test_a_summary_typo_fix_keeps_a_revision_but_not_a_new_updated_on_date(editor):
    article = PublishedArticleFactory()
    updated_on = article.updated_on
    article.summary = "A short summary for readers, fixed."
    services.article_save_with_revision(actor=editor, article=article)

    article.refresh_from_db()
    assert article.updated_on == updated_on
    revision = article.revisions.get()
    assert revision.editor == editor
    assert revision.changed_fields == ["summary"]
    assert revision.summary_before == "A short summary for readers."
    assert revision.summary_after == "A short summary for readers, fixed."
    assert not revision.updates_content


def test_a_body_change_moves_the_updated_on_date(editor):
    article = PublishedArticleFactory()
    old_body = article.body
    article.body = old_body + "\n\nA new paragraph about side effects."
    services.article_save_with_revision(actor=editor, article=article)

    article.refresh_from_db()
    revision = article.revisions.get()
    assert revision.changed_fields == ["body"]
    assert revision.body_before == old_body
    assert revision.updates_content
    assert article.updated_on == revision.created_at
    assert "side effects" in article.body_html


def test_marking_reviewed_records_who_and_when_and_moves_the_dates(publisher):
    article = PublishedArticleFactory(review_due_at=timezone.now() - datetime.timedelta(days=1))
    assert article.is_review_overdue
    article = services.article_mark_reviewed(actor=publisher, article=article)

    assert article.last_reviewed_by == publisher
    assert article.last_reviewed_at.date() == timezone.now().date()
    assert article.review_due_at == services.add_twelve_months(article.last_reviewed_at)
    assert article.updated_on == article.last_reviewed_at
    assert not article.is_review_overdue
    assert article.revisions.get().is_medical_review


def test_marking_reviewed_needs_a_medical_reviewer(publisher):
    with pytest.raises(ValidationError, match="no medical reviewer"):
        services.article_mark_reviewed(actor=publisher, article=ArticleFactory(reviewer=None))


def test_review_due_defaults_to_twelve_months_after_the_last_review(publisher):
    reviewed = timezone.now() - datetime.timedelta(days=10)
    article = ArticleFactory.build(author=ContributorFactory(), reviewer=None, last_reviewed_at=reviewed, hero_image="")
    services.article_save_with_revision(actor=publisher, article=article)
    assert article.review_due_at == services.add_twelve_months(reviewed)


def test_twelve_months_after_a_leap_day():
    leap_day = datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC)
    assert services.add_twelve_months(leap_day) == datetime.datetime(2029, 2, 28, 12, tzinfo=datetime.UTC)
