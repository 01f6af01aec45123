"""Moderation's reads: the review queue with each entry's context, and the audit log."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, Q, QuerySet, prefetch_related_objects

from accounts.models import User
from community import selectors as community_selectors
from community.models import Answer, Comment, Question, Update
from community.moderation import kinds
from community.moderation.kinds import ModeratedKind
from community.moderation.models import Appeal, ModerationAction, Report, ReviewItem


def _members_reportable(viewer) -> QuerySet:
    # Someone who blocked the member is not there for them, as on the profile page.
    return User.objects.filter(is_active=True).exclude(blocks_made__blocked_id=viewer.pk)


def _no_block_behind(viewer, post) -> bool:
    return not community_selectors.blocked_by(blocker_id=community_selectors.authors_behind(post), viewer_id=viewer.pk)


def _comment_url(comment) -> str:
    target = comment.target
    return f"{target.get_absolute_url()}#comment-{comment.pk}" if target else ""


def _comments_for_queue() -> QuerySet:
    return Comment.objects.select_related("article", "update", "answer__question", "parent__author")


def register_community_kinds() -> None:
    """Community's posts and members' accounts: what members report and moderators act on here.
    A post can be reported only where the member could open it (`open_to`): reporting is no way
    round a block or a removal."""
    for name, model, queue_items in (
        ("update", Update, Update.objects.all),
        ("comment", Comment, _comments_for_queue),
        ("question", Question, Question.objects.all),
        ("answer", Answer, Answer.objects.select_related("question").all),
    ):
        kinds.register(
            ModeratedKind(
                name=name,
                model=model,
                noun="post",
                reportable=lambda viewer, model=model: community_selectors.open_to(model, viewer=viewer),
                still_reportable=_no_block_behind,
                queue_items=queue_items,
                url=_comment_url if model is Comment else (lambda item: item.get_absolute_url()),
            )
        )
    kinds.register(
        ModeratedKind(
            name="member",
            model=User,
            noun="account",
            reportable=_members_reportable,
            queue_items=User.objects.all,
            url=lambda member: member.get_absolute_url(),
            hides_on_reports=False,
            takes_notes=False,
            is_account=True,
            still_reportable=lambda viewer, member: (
                not community_selectors.blocked_by(blocker_id=member.pk, viewer_id=viewer.pk)
            ),
        )
    )


def review_queue(*, reason: str = "", kind: str = ""):
    """Open review items, most urgent first. Use `review_page_context` on the page of results."""
    items = ReviewItem.objects.filter(resolved_at__isnull=True).select_related("author", "content_type")
    if reason in ReviewItem.Reason.values:
        items = items.filter(reason=reason)
    if (moderated := kinds.by_name(kind)) is not None:
        items = items.filter(content_type=ContentType.objects.get_for_model(moderated.model))
    return items.order_by("-priority", "-score", "created_at", "id")


def review_page_context(reviews) -> list:
    """Attach to each review item (one page of them) its item with context, its open reports and
    its author's moderation history, in a fixed number of queries."""
    reviews = list(reviews)
    prefetch_related_objects(
        reviews,
        GenericPrefetch("item", [kind.queue_items() for kind in kinds.every()]),
    )
    reports = defaultdict(list)
    keys = {(r.content_type_id, r.object_id) for r in reviews}
    if keys:
        match = Q()
        for content_type_id, object_id in keys:
            match |= Q(content_type_id=content_type_id, object_id=object_id)
        open_reports = Report.objects.filter(match, resolved_at__isnull=True).select_related("reporter")
        for report in open_reports.order_by("created_at", "id"):
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
        review.kind = kinds.for_model(ContentType.objects.get_for_id(review.content_type_id).model_class())
        review.open_reports = reports[(review.content_type_id, review.object_id)]
        # What the newest reporter saw, kept in case the author changed or deleted it since.
        review.evidence = next((r.evidence for r in reversed(review.open_reports) if r.evidence), [])
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
