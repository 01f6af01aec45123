"""Writes to articles. Each function checks who is acting and changes data in one transaction.

Status only moves through these functions: draft -> in review (editors), in review or draft ->
published and published -> archived (staff with the publish permission). Publishing is refused,
naming each missing item, until the article has everything readers rely on.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from articles import tasks
from articles.models import Article, ArticleRevision
from articles.permissions import can_edit_articles, can_publish
from articles.rendering import render_markdown

# Fields whose change is worth recording when a published article is saved.
REVISION_FIELDS = ("title", "summary", "body", "hero_image", "hero_alt", "author_id", "reviewer_id")


def add_twelve_months(moment: datetime.datetime) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def article_render_body(*, article: Article) -> None:
    """Store the body as sanitized HTML with its table of contents; readers never trigger Markdown."""
    rendered = render_markdown(article.body)
    article.body_html = rendered.html
    article.toc = rendered.toc
    article.cited_reference_numbers = rendered.cited_reference_numbers


def article_publish_problems(*, article: Article) -> list[str]:
    """What the article still lacks before readers may see it, in words an editor understands."""
    problems = []
    if article.reviewer_id is None:
        problems.append("a medical reviewer")
    elif not article.reviewer.is_medical_reviewer:
        problems.append(f"a medical reviewer ({article.reviewer.name} is not one)")
    if not article.summary.strip():
        problems.append("a summary")
    if not article.body.strip():
        problems.append("a body")
    if not article.hero_image:
        problems.append("a hero image")
    if not article.hero_alt.strip():
        problems.append("hero image alt text")
    reference_numbers = set(article.references.values_list("number", flat=True))
    if not reference_numbers:
        problems.append("at least one reference")
    problems.extend(
        f"reference [{number}], which the body cites"
        for number in article.cited_reference_numbers
        if reference_numbers and number not in reference_numbers
    )
    return problems


def _check_reviewer(article: Article) -> None:
    if article.reviewer is not None and not article.reviewer.is_medical_reviewer:
        raise ValidationError(
            {"reviewer": f"{article.reviewer.name} is not a medical reviewer. Choose a medical reviewer."}
        )


def article_save_with_revision(*, actor: User, article: Article) -> Article:
    """Create or update an article from the admin. A save of a published article keeps a revision;
    only a body change moves the "Updated on" date (a typo fix in the title or summary does not)."""
    if not can_edit_articles(actor) or (article.pk is None and not actor.has_perm("articles.add_article")):
        raise PermissionDenied("You cannot edit articles.")
    _check_reviewer(article)
    # Not durable: the admin calls this from save_model, inside the transaction of its change form.
    with transaction.atomic():
        previous = Article.objects.select_for_update().filter(pk=article.pk).first() if article.pk else None
        previous_status = previous.status if previous else Article.Status.DRAFT
        schedule_changed = previous is not None and previous.published_at != article.published_at
        if not can_publish(actor) and (
            article.status != previous_status
            or (schedule_changed and Article.Status.PUBLISHED in (previous_status, article.status))
        ):
            raise PermissionDenied("Only staff with the publish permission can publish, schedule or archive.")

        if previous is None or previous.body != article.body:
            article_render_body(article=article)
        if article.last_reviewed_at and not article.review_due_at:
            article.review_due_at = add_twelve_months(article.last_reviewed_at)

        changed = [name for name in REVISION_FIELDS if previous and getattr(previous, name) != getattr(article, name)]
        now = timezone.now()
        if previous_status == Article.Status.PUBLISHED and "body" in changed:
            article.content_updated_at = now
        article.save()
        if previous_status == Article.Status.PUBLISHED:
            ArticleRevision.objects.create(
                article=article,
                editor=actor,
                created_at=now,
                changed_fields=[name.removesuffix("_id") for name in changed],
                title_before=previous.title,
                summary_before=previous.summary,
                summary_after=article.summary,
                body_before=previous.body,
                body_after=article.body,
            )
    return article


def _locked(article: Article) -> Article:
    # of=("self",): PostgreSQL cannot lock the nullable side of the reviewer outer join.
    return Article.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=article.pk)


def article_submit_for_review(*, actor: User, article: Article) -> Article:
    if not can_edit_articles(actor):
        raise PermissionDenied("You cannot edit articles.")
    with transaction.atomic(durable=True):
        article = _locked(article)
        if article.status != Article.Status.DRAFT:
            raise ValidationError(
                f"Only drafts can be sent for review; this article is {article.get_status_display()}."
            )
        article.status = Article.Status.IN_REVIEW
        article.save(update_fields=["status", "modified_at"])
    return article


def article_publish(*, actor: User, article: Article) -> Article:
    """Publish now, or at the future date an editor already set (scheduling needs no cron job:
    readers' queries compare published_at with the current time)."""
    if not can_publish(actor):
        raise PermissionDenied("Only staff with the publish permission can publish articles.")
    with transaction.atomic(durable=True):
        article = _locked(article)
        if article.is_public:
            raise ValidationError("This article is already published.")
        problems = article_publish_problems(article=article)
        if problems:
            raise ValidationError(f"“{article.title}” cannot be published yet. It needs: {', '.join(problems)}.")
        now = timezone.now()
        scheduled = (
            article.status != Article.Status.PUBLISHED
            and article.published_at is not None
            and article.published_at > now
        )
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at if scheduled else now
        article.save(update_fields=["status", "published_at", "modified_at"])
        published = article
        transaction.on_commit(lambda: tasks.send_article_emails.enqueue(published.pk))
    return article


def article_archive(*, actor: User, article: Article) -> Article:
    """Archiving, not deleting, is how a published article leaves the site."""
    if not can_publish(actor):
        raise PermissionDenied("Only staff with the publish permission can archive articles.")
    with transaction.atomic(durable=True):
        article = _locked(article)
        article.status = Article.Status.ARCHIVED
        article.save(update_fields=["status", "modified_at"])
    return article


def article_mark_reviewed(*, actor: User, article: Article) -> Article:
    """Record that the medical reviewer checked the article today. This claims a new medical
    review to readers, so it needs the publish permission and moves the "Updated on" date."""
    if not can_publish(actor):
        raise PermissionDenied("Only staff with the publish permission can record a medical review.")
    with transaction.atomic(durable=True):
        article = _locked(article)
        if article.reviewer is None or not article.reviewer.is_medical_reviewer:
            raise ValidationError(f"“{article.title}” has no medical reviewer to record a review from.")
        now = timezone.now()
        article.last_reviewed_at = now
        article.last_reviewed_by = actor
        article.review_due_at = add_twelve_months(now)
        article.content_updated_at = now
        article.save(
            update_fields=["last_reviewed_at", "last_reviewed_by", "review_due_at", "content_updated_at", "modified_at"]
        )
        ArticleRevision.objects.create(
            article=article,
            editor=actor,
            created_at=now,
            is_medical_review=True,
            summary_before=article.summary,
            summary_after=article.summary,
            title_before=article.title,
        )
    return article
