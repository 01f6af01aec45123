"""Moderation's reads: the review queue with each entry's context, and the audit log."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, Q, prefetch_related_objects

from accounts.models import User
from community.models import Answer, Comment, Question, Update
from community.moderation.models import Appeal, ModerationAction, Report, ReviewItem

# What a moderator can filter the queue by, and what a member can report: the same kinds.
MODERATED_KINDS = {"update": Update, "comment": Comment, "question": Question, "answer": Answer, "member": User}


def review_queue(*, reason: str = "", kind: str = ""):
    """Open review items, most urgent first. Use `review_page_context` on the page of results."""
    items = ReviewItem.objects.filter(resolved_at__isnull=True).select_related("author", "content_type")
    if reason in ReviewItem.Reason.values:
        items = items.filter(reason=reason)
    if kind in MODERATED_KINDS:
        items = items.filter(content_type=ContentType.objects.get_for_model(MODERATED_KINDS[kind]))
    return items.order_by("-priority", "-score", "created_at", "id")


def review_page_context(reviews) -> list:
    """Attach to each review item (one page of them) its item with context, its open reports and
    its author's moderation history, in a fixed number of queries."""
    reviews = list(reviews)
    prefetch_related_objects(
        reviews,
        GenericPrefetch(
            "item",
            [
                Update.objects.all(),
                Question.objects.all(),
                Answer.objects.select_related("question"),
                Comment.objects.select_related("article", "update", "answer__question", "parent__author"),
                User.objects.all(),
            ],
        ),
    )
    reports = defaultdict(list)
    keys = {(r.content_type_id, r.object_id) for r in reviews}
    if keys:
        match = Q()
        for content_type_id, object_id in keys:
            match |= Q(content_type_id=content_type_id, object_id=object_id)
        for report in Report.objects.filter(match, resolved_at__isnull=True).select_related("reporter"):
            reports[(report.content_type_id, report.object_id)].append(report)
    history = dict(
        ModerationAction.objects.filter(member_id__in={r.author_id for r in reviews})
        .values_list("member_id")
        .annotate(n=Count("id"))
    )
    appeals = {}
    appealed = [r for r in reviews if r.reason == ReviewItem.Reason.APPEAL]
    if appealed:
        for appeal in Appeal.objects.filter(decision="", member_id__in={r.author_id for r in appealed}).select_related(
            "action"
        ):
            appeals[(appeal.action.content_type_id, appeal.action.object_id, appeal.member_id)] = appeal
    for review in reviews:
        review.open_reports = reports[(review.content_type_id, review.object_id)]
        review.author_history = history.get(review.author_id, 0)
        key = (review.content_type_id, review.object_id, review.author_id)
        review.appeal = appeals.get(key) or appeals.get((None, None, review.author_id))
    return reviews


def moderation_log(*, kind: str = "", member_id: int | None = None, moderator_id: int | None = None):
    actions = ModerationAction.objects.select_related("content_type")
    if kind in ModerationAction.Kind.values:
        actions = actions.filter(kind=kind)
    if member_id:
        actions = actions.filter(member_id=member_id)
    if moderator_id:
        actions = actions.filter(moderator_id=moderator_id)
    return actions.order_by("-created_at", "-id")
