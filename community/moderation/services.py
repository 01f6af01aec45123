"""Moderation's writes: reports, the review queue, one function per moderator's action, and appeals.
Every action checks who acts, changes the item in one transaction, writes the audit log
(ModerationAction) and tells the author."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from accounts.permissions import can_post, is_moderator, needs_two_factor
from community import notifications
from community.counters import set_moderation_state
from community.models import Answer, Comment, ModerationState, Question
from community.moderation import kinds
from community.moderation.models import Appeal, ModerationAction, Report, ReviewItem

Kind = ModerationAction.Kind


def queue_for_review(*, item: Model, author: User, reason: str, score: int = 0) -> ReviewItem:
    """Put an item (or a member's account) in the queue, or raise its open entry's urgency."""
    content_type = ContentType.objects.get_for_model(item)
    priority = ReviewItem.PRIORITY[reason]
    review = ReviewItem.objects.filter(content_type=content_type, object_id=item.pk, resolved_at__isnull=True).first()
    if review is None:
        try:
            with transaction.atomic():
                return ReviewItem.objects.create(
                    content_type=content_type,
                    object_id=item.pk,
                    author=author,
                    reason=reason,
                    priority=priority,
                    score=score,
                )
        except IntegrityError:
            review = ReviewItem.objects.get(content_type=content_type, object_id=item.pk, resolved_at__isnull=True)
    if priority > review.priority:
        review.reason, review.priority = reason, priority
    review.score = max(review.score, score)
    review.save(update_fields=["reason", "priority", "score"])
    return review


# Reports


def _item_author(item) -> User:
    return item if isinstance(item, User) else item.author


def _report_weight(reporter: User) -> int:
    # A moderator's report is enough on its own to hide an item.
    return settings.REPORT_HIDE_THRESHOLD if is_moderator(reporter) else 1


@transaction.atomic(durable=True)
def report_create(*, reporter: User, item, reason: str, note: str = "") -> Report:
    if not can_post(reporter):
        raise PermissionDenied("Only members who can post can report.")
    kind = kinds.of(item)
    if _item_author(item).pk == reporter.pk:
        raise ValidationError(f"You cannot report your own {kind.noun}.")
    if not kind.allows(reporter, item):
        # As everywhere else, a blocker's posts and what hangs under them are not there for the blocked.
        raise PermissionDenied("This is not available to you.")
    if reason not in Report.Reason.values:
        raise ValidationError("Please choose a reason.")
    note = note.strip()
    if reason == Report.Reason.OTHER and not note:
        raise ValidationError("Please tell us a little about what is wrong.")
    since = timezone.now() - timedelta(days=1)
    if Report.objects.filter(reporter=reporter, created_at__gte=since).count() >= settings.REPORTS_PER_DAY:
        raise ValidationError("You have sent many reports today. Thank you; please try again tomorrow.")
    content_type = ContentType.objects.get_for_model(item)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                content_type=content_type,
                object_id=item.pk,
                reason=reason,
                note=note,
                evidence=kind.evidence(item),
            )
    except IntegrityError as exc:
        raise ValidationError("You have already reported this. A moderator will look at it.") from exc

    open_reports = Report.objects.filter(content_type=content_type, object_id=item.pk, resolved_at__isnull=True)
    score = sum(_report_weight(r.reporter) for r in open_reports.select_related("reporter"))
    queue_reason = ReviewItem.Reason.CRISIS if reason == Report.Reason.SELF_HARM else ReviewItem.Reason.REPORTED
    queue_for_review(item=item, author=_item_author(item), reason=queue_reason, score=score)
    if (
        kind.hides_on_reports
        and score >= settings.REPORT_HIDE_THRESHOLD
        and item.moderation_state == ModerationState.VISIBLE
    ):
        set_moderation_state(item, ModerationState.HIDDEN)
    return report


# What every moderator's action shares


def _ensure_may_moderate(moderator: User, author: User) -> None:
    if not is_moderator(moderator) or needs_two_factor(moderator):
        raise PermissionDenied("Only moderators with two-factor authentication can do this.")
    if moderator.is_staff:
        return
    if author.pk == moderator.pk:
        raise PermissionDenied("Moderators cannot act on their own posts or account.")
    if is_moderator(author):
        raise PermissionDenied("Only staff can act on another moderator.")


def _text_field(item) -> str:
    return "details" if isinstance(item, Question) else "text"


def _log(*, moderator, kind, item=None, member, reason_code="", note="", before="", after="", until=None):
    content_type = ContentType.objects.get_for_model(item) if item is not None else None
    return ModerationAction.objects.create(
        moderator=moderator,
        kind=kind,
        content_type=content_type,
        object_id=item.pk if item is not None else None,
        member=member,
        reason_code=reason_code,
        note=note,
        text_before=before,
        text_after=after,
        suspended_until=until,
    )


def _tell_author(*, action: ModerationAction, message: str, can_appeal: bool) -> None:
    if can_appeal:
        message = f"{message} If you think this was a mistake, you can appeal."
        url = reverse("appeal_create", args=[action.pk])
    else:
        url = ""
    account_services.notify_moderation(
        member=action.member, message=message, url=url, thread_key=f"moderation:{action.pk}"
    )


def _close_review(review: ReviewItem, moderator: User) -> None:
    now = timezone.now()
    review.resolved_at, review.resolved_by = now, moderator
    review.save(update_fields=["resolved_at", "resolved_by"])
    Report.objects.filter(
        content_type=review.content_type, object_id=review.object_id, resolved_at__isnull=True
    ).update(resolved_at=now)


def _maybe_clear_premoderation(member: User) -> None:
    approvals = ModerationAction.objects.filter(member=member, kind=Kind.APPROVE).count()
    if member.premoderation_cleared_at is None and approvals >= settings.PREMODERATION_FIRST_POSTS:
        member.premoderation_cleared_at = timezone.now()
        member.save(update_fields=["premoderation_cleared_at"])


def _take_up(*, moderator: User, review: ReviewItem, deciding: bool = False, posts_only: str = ""):
    """Lock the queue entry and return it with its item, once the moderator may act on its author.
    `deciding` actions (approve, remove) close the entry, so a second moderator is refused; with
    `posts_only`, the message refusing an action on a member's account rather than a post."""
    review = ReviewItem.objects.select_for_update().get(pk=review.pk)
    if deciding and review.resolved_at is not None:
        raise ValidationError("Another moderator has already dealt with this.")
    item = review.item
    _ensure_may_moderate(moderator, review.author)
    if item is None:
        _close_review(review, moderator)
        raise ValidationError("This item no longer exists.")
    if posts_only and kinds.of(item).is_account:
        raise ValidationError(posts_only)
    return review, item


def _is_removal_reason(reason_code: str) -> bool:
    return bool(reason_code) and reason_code in ModerationAction.ReasonCode.values


# One function per moderator's action. `review_bulk` runs approve and remove inside its own
# transaction, so those two have an inner body (`_approve`, `_remove`) that opens none.


def _approve(*, moderator: User, review: ReviewItem, note: str = "") -> ModerationAction:
    review, item = _take_up(moderator=moderator, review=review, deciding=True)
    author = review.author
    # Posts and messages have a moderation state; an account or a member's news does not.
    has_state = hasattr(item, "moderation_state")
    was_waiting = has_state and item.moderation_state == ModerationState.PENDING
    if has_state:
        set_moderation_state(item, ModerationState.VISIBLE)
    logged = _log(moderator=moderator, kind=Kind.APPROVE, item=item, member=author, note=note.strip())
    _close_review(review, moderator)
    _maybe_clear_premoderation(author)
    # An answer or comment that waited for a moderator tells its recipient now, not when written.
    if was_waiting and isinstance(item, Answer):
        notifications.notify_answer(answer=item)
    elif was_waiting and isinstance(item, Comment):
        notifications.notify_reply(comment=item)
    return logged


def _remove(*, moderator: User, review: ReviewItem, reason_code: str = "", note: str = "") -> ModerationAction:
    review, item = _take_up(
        moderator=moderator,
        review=review,
        deciding=True,
        posts_only="A member's account is suspended or banned, not removed.",
    )
    if not _is_removal_reason(reason_code):
        raise ValidationError("Please choose the reason for removing it.")
    note = note.strip()
    set_moderation_state(item, ModerationState.REMOVED)
    logged = _log(
        moderator=moderator, kind=Kind.REMOVE, item=item, member=review.author, reason_code=reason_code, note=note
    )
    _close_review(review, moderator)
    reason = ModerationAction.ReasonCode(reason_code).label
    _tell_author(
        action=logged,
        message=f"A moderator removed your {kinds.of(item).noun}. {reason}.{f' {note}' if note else ''}",
        can_appeal=True,
    )
    return logged


@transaction.atomic(durable=True)
def review_approve(*, moderator: User, review: ReviewItem, note: str = "") -> ModerationAction:
    """The item may stay (or go live, if it waited); the entry and its reports are closed."""
    return _approve(moderator=moderator, review=review, note=note)


@transaction.atomic(durable=True)
def review_remove(*, moderator: User, review: ReviewItem, reason_code: str = "", note: str = "") -> ModerationAction:
    """Take a post down for a stated reason; its author is told and may appeal."""
    return _remove(moderator=moderator, review=review, reason_code=reason_code, note=note)


@transaction.atomic(durable=True)
def review_edit(
    *, moderator: User, review: ReviewItem, new_text: str = "", reason_code: str = "", note: str = ""
) -> ModerationAction:
    """Rewrite a post's text to keep it safe; the old text stays in the log for an appeal."""
    review, item = _take_up(moderator=moderator, review=review, posts_only="Only posts can be edited.")
    new_text, field = new_text.strip(), _text_field(item)
    before = getattr(item, field)
    if not new_text or new_text == before:
        raise ValidationError("Change the text before saving the edit.")
    setattr(item, field, new_text)
    item.save(update_fields=[field])
    logged = _log(
        moderator=moderator,
        kind=Kind.EDIT,
        item=item,
        member=review.author,
        reason_code=reason_code,
        note=note.strip(),
        before=before,
        after=new_text,
    )
    noun = kinds.of(item).noun
    _tell_author(action=logged, message=f"A moderator edited your {noun} to keep it safe.", can_appeal=True)
    return logged


@transaction.atomic(durable=True)
def review_note(*, moderator: User, review: ReviewItem, note: str = "", article=None) -> ModerationAction:
    """Show a moderator's note (or a reviewed article) under a post instead of removing it."""
    review, item = _take_up(moderator=moderator, review=review, posts_only="Notes go under posts.")
    if not kinds.of(item).takes_notes:
        raise ValidationError("Notes go under posts.")
    note = note.strip()
    if not note and article is None:
        raise ValidationError("Write the note, or choose a reviewed article to point to.")
    item.moderator_note, item.moderator_note_article = note, article
    item.save(update_fields=["moderator_note", "moderator_note_article"])
    return _log(moderator=moderator, kind=Kind.NOTE, item=item, member=review.author, note=note)


@transaction.atomic(durable=True)
def review_warn(*, moderator: User, review: ReviewItem, note: str = "") -> ModerationAction:
    """Send the author a message from the moderators; nothing else changes."""
    review, item = _take_up(moderator=moderator, review=review)
    note = note.strip()
    if not note:
        raise ValidationError("Write what the member should know.")
    logged = _log(moderator=moderator, kind=Kind.WARN, item=item, member=review.author, note=note)
    _tell_author(action=logged, message=f"A message from the moderators: {note}", can_appeal=False)
    return logged


SUSPENSION_DAYS = (1, 3, 7, 30)


@transaction.atomic(durable=True)
def review_suspend(*, moderator: User, review: ReviewItem, days: int = 0, note: str = "") -> ModerationAction:
    """The author may read but not post for a number of days; they may appeal."""
    review, item = _take_up(moderator=moderator, review=review)
    author, note = review.author, note.strip()
    if days not in SUSPENSION_DAYS:
        raise ValidationError("Choose a suspension of 1, 3, 7 or 30 days.")
    until = timezone.now() + timedelta(days=days)
    author.suspended_until, author.suspension_reason = until, note or "Breaking the community guidelines."
    author.save(update_fields=["suspended_until", "suspension_reason"])
    logged = _log(moderator=moderator, kind=Kind.SUSPEND, item=item, member=author, note=note, until=until)
    _tell_author(
        action=logged,
        message=(
            f"Your account is suspended until {until:%d %B %Y}: you can read but not post. {author.suspension_reason}"
        ),
        can_appeal=True,
    )
    return logged


@transaction.atomic(durable=True)
def review_ban(*, moderator: User, review: ReviewItem, note: str = "") -> ModerationAction:
    """Close the author's account: they can no longer log in. The entry is closed."""
    review, item = _take_up(moderator=moderator, review=review)
    author, note = review.author, note.strip()
    author.banned_at, author.ban_reason = timezone.now(), note or "Serious or repeated breaches of the guidelines."
    author.save(update_fields=["banned_at", "ban_reason"])
    logged = _log(moderator=moderator, kind=Kind.BAN, item=item, member=author, note=note)
    _close_review(review, moderator)
    _tell_author(action=logged, message=f"Your Kindred account is closed. {author.ban_reason}", can_appeal=False)
    return logged


@transaction.atomic(durable=True)
def review_bulk(*, moderator: User, reviews, action: str, reason_code: str = "spam") -> int:
    """Approve or remove many at once, for spam waves. Items a moderator may not act on are skipped."""
    if action not in ("approve", "remove"):
        raise ValidationError("Bulk actions are approve and remove.")
    if action == "remove" and not _is_removal_reason(reason_code):
        # Checked once here: otherwise every item would be skipped and nothing said.
        raise ValidationError("Please choose the reason for removing them.")
    done = 0
    for review in reviews:
        try:
            # A savepoint each: an item refused half-way leaves nothing behind.
            with transaction.atomic():
                if action == "approve":
                    _approve(moderator=moderator, review=review)
                else:
                    _remove(moderator=moderator, review=review, reason_code=reason_code)
        except (PermissionDenied, ValidationError):
            continue
        done += 1
    return done


# Appeals


@transaction.atomic(durable=True)
def appeal_create(*, member: User, action: ModerationAction, text: str) -> Appeal:
    if action.member_id != member.pk:
        raise PermissionDenied("You can only appeal decisions about your own posts or account.")
    if action.kind not in (Kind.REMOVE, Kind.EDIT, Kind.SUSPEND):
        raise ValidationError("This decision cannot be appealed.")
    text = text.strip()
    if not text:
        raise ValidationError("Please tell us why you think the decision was wrong.")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(action=action, member=member, text=text)
    except IntegrityError as exc:
        raise ValidationError("You have already appealed this decision.") from exc
    item = action.content_type.get_object_for_this_type(pk=action.object_id) if action.content_type else member
    queue_for_review(item=item, author=member, reason=ReviewItem.Reason.APPEAL)
    return appeal


def _other_moderators_exist(moderator: User) -> bool:
    return User.objects.filter(groups__name="Moderators", is_active=True).exclude(pk=moderator.pk).exists()


@transaction.atomic(durable=True)
def appeal_decide(*, moderator: User, appeal: Appeal, restore: bool, note: str = "") -> ModerationAction:
    appeal = Appeal.objects.select_for_update().select_related("action").get(pk=appeal.pk)
    if appeal.decision:
        raise ValidationError("This appeal has already been decided.")
    _ensure_may_moderate(moderator, appeal.member)
    if appeal.action.moderator_id == moderator.pk and _other_moderators_exist(moderator):
        raise PermissionDenied("Another moderator decides appeals against your own decisions.")
    original = appeal.action
    item = original.content_type.get_object_for_this_type(pk=original.object_id) if original.content_type else None
    if restore:
        if original.kind == Kind.REMOVE and item is not None:
            set_moderation_state(item, ModerationState.VISIBLE)
        elif original.kind == Kind.EDIT and item is not None:
            field = _text_field(item)
            setattr(item, field, original.text_before)
            item.save(update_fields=[field])
        elif original.kind == Kind.SUSPEND:
            appeal.member.suspended_until = None
            appeal.member.save(update_fields=["suspended_until"])
    kind = Kind.RESTORE if restore else Kind.UPHOLD
    logged = _log(moderator=moderator, kind=kind, item=item, member=appeal.member, note=note)
    appeal.decision = Appeal.Decision.RESTORED if restore else Appeal.Decision.UPHELD
    appeal.decided_by, appeal.decided_at = moderator, timezone.now()
    appeal.save(update_fields=["decision", "decided_by", "decided_at"])
    review = ReviewItem.objects.filter(
        content_type=ContentType.objects.get_for_model(item or appeal.member),
        object_id=(item or appeal.member).pk,
        resolved_at__isnull=True,
    ).first()
    if review:
        _close_review(review, moderator)
    noun = kinds.of(item).noun if item is not None else "post"
    verdict = f"restored your {noun}" if restore else "looked again and kept their decision"
    account_services.notify_moderation(
        member=appeal.member,
        message=f"About your appeal: a moderator {verdict}.{f' {note}' if note else ''}",
        url=kinds.of(item).url(item) if (item is not None and restore) else "",
        thread_key=f"appeal:{appeal.pk}",
    )
    return logged
