"""Moderation services: screening new posts, reports, the review queue, moderators' actions and
appeals. Every action checks who acts, changes the item in one transaction, writes the audit log
(ModerationAction) and tells the author."""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from accounts.permissions import can_post, is_moderator, needs_two_factor
from community import notifications, selectors
from community.models import (
    Answer,
    Appeal,
    Comment,
    ModerationAction,
    ModerationState,
    Question,
    Report,
    ReviewItem,
    Update,
)

LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
REMOVED_TEXT = "This was removed by a moderator."


@dataclass(frozen=True)
class Screening:
    state: str = ModerationState.VISIBLE
    hold_reason: str = ""  # a ReviewItem.Reason when the post waits for a moderator
    crisis: bool = False


def mentions_crisis(text: str) -> bool:
    # Phones type curly apostrophes; the list is written with straight ones.
    lowered = " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())
    return any(phrase in lowered for phrase in settings.CRISIS_PHRASES)


def _is_new_member(member: User) -> bool:
    return member.date_joined > timezone.now() - timedelta(days=settings.NEW_MEMBER_DAYS)


def _cleared_premoderation(member: User) -> bool:
    if member.is_staff or is_moderator(member):
        return True
    if member.premoderation_cleared_at:
        return True
    return settings.PREMODERATION_FIRST_POSTS == 0


def _link_hosts(text: str) -> set[str]:
    hosts = set()
    for link in LINK.findall(text):
        host = urlparse(link if "://" in link else f"http://{link}").hostname or ""
        hosts.add(host.removeprefix("www."))
    return hosts


def _host_spread_by_new_members(host: str, author: User) -> int:
    """How many other new members posted a link to this host in the last week."""
    since = timezone.now() - timedelta(days=settings.NEW_MEMBER_DAYS)
    authors = set()
    for model in (Update, Comment, Question, Answer):
        field = "details" if model is Question else "text"
        authors.update(
            model.objects.filter(
                created_at__gte=since,
                author__date_joined__gte=since,
                # Not icontains, which compares UPPER(text) and no index answers: PostgreSQL then read
                # every recent post of every new member (63-118 ms a link on the scale data). The
                # posts' trigram indexes (migration 0004) answer a case-insensitive regex: 25-33 ms.
                **{f"{field}__iregex": re.escape(host)},
            )
            .exclude(author=author)
            .values_list("author_id", flat=True)[:10]
        )
    return len(authors)


def screen_new_post(*, author: User, text: str) -> Screening:
    """Decide, before saving, whether a new post goes live or waits. Refuses exact duplicates."""
    text = text.strip()
    since = timezone.now() - timedelta(seconds=settings.DUPLICATE_WINDOW_SECONDS)
    if text:
        same = [
            m.objects.filter(author=author, text=text, created_at__gte=since).values("pk")
            for m in (Update, Comment, Answer)
        ]
        if same[0].union(*same[1:], all=True).exists():
            raise ValidationError("You posted exactly this a moment ago, so we have not posted it twice.")
    crisis = mentions_crisis(text)
    if not _cleared_premoderation(author):
        return Screening(ModerationState.PENDING, ReviewItem.Reason.PREMODERATION, crisis)
    if _is_new_member(author) and not (author.is_staff or is_moderator(author)):
        hosts = _link_hosts(text)
        if len(LINK.findall(text)) > settings.NEW_MEMBER_MAX_LINKS or any(
            _host_spread_by_new_members(host, author) >= settings.LINK_HOST_SPREAD_LIMIT for host in hosts
        ):
            return Screening(ModerationState.PENDING, ReviewItem.Reason.LINKS, crisis)
    return Screening(crisis=crisis)


def _queue(*, item: Model, author: User, reason: str, score: int = 0) -> ReviewItem:
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


def queue_if_needed(*, item, screening: Screening) -> None:
    if screening.crisis:
        _queue(item=item, author=item.author, reason=ReviewItem.Reason.CRISIS)
    elif screening.hold_reason:
        _queue(item=item, author=item.author, reason=screening.hold_reason)


# Reports

REPORTABLE = {"update": Update, "comment": Comment, "question": Question, "answer": Answer, "member": User}


def _item_author(item) -> User:
    return item if isinstance(item, User) else item.author


def _report_weight(reporter: User) -> int:
    # A moderator's report is enough on its own to hide an item.
    return settings.REPORT_HIDE_THRESHOLD if is_moderator(reporter) else 1


@transaction.atomic
def report_create(*, reporter: User, item, reason: str, note: str = "") -> Report:
    if not can_post(reporter):
        raise PermissionDenied("Only members who can post can report.")
    if _item_author(item).pk == reporter.pk:
        raise ValidationError("You cannot report your own post.")
    authors = {item.pk} if isinstance(item, User) else selectors.authors_behind(item)
    if selectors.blocked_by(blocker_id=authors, viewer_id=reporter.pk):
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
                reporter=reporter, content_type=content_type, object_id=item.pk, reason=reason, note=note
            )
    except IntegrityError as exc:
        raise ValidationError("You have already reported this. A moderator will look at it.") from exc

    open_reports = Report.objects.filter(content_type=content_type, object_id=item.pk, resolved_at__isnull=True)
    score = sum(_report_weight(r.reporter) for r in open_reports.select_related("reporter"))
    queue_reason = ReviewItem.Reason.CRISIS if reason == Report.Reason.SELF_HARM else ReviewItem.Reason.REPORTED
    _queue(item=item, author=_item_author(item), reason=queue_reason, score=score)
    if (
        not isinstance(item, User)
        and score >= settings.REPORT_HIDE_THRESHOLD
        and item.moderation_state == ModerationState.VISIBLE
    ):
        _set_state(item, ModerationState.HIDDEN)
    return report


# Moderators' actions


def _ensure_may_moderate(moderator: User, author: User) -> None:
    if not is_moderator(moderator) or needs_two_factor(moderator):
        raise PermissionDenied("Only moderators with two-factor authentication can do this.")
    if moderator.is_staff:
        return
    if author.pk == moderator.pk:
        raise PermissionDenied("Moderators cannot act on their own posts or account.")
    if is_moderator(author):
        raise PermissionDenied("Only staff can act on another moderator.")


# States in which an answer or comment counts on its parent: hidden items are only under review.
COUNTED_STATES = (ModerationState.VISIBLE, ModerationState.HIDDEN)


def parent_count_change(item, delta: int) -> None:
    """Answers and comments count on their parent (question, update, answer) only while shown.
    Comments under articles are counted per page instead: the articles app knows nothing of them."""
    if isinstance(item, Answer):
        Question.objects.filter(pk=item.question_id).update(answer_count=F("answer_count") + delta)
    elif isinstance(item, Comment):
        if item.update_id:
            Update.objects.filter(pk=item.update_id).update(comment_count=F("comment_count") + delta)
        elif item.answer_id:
            Answer.objects.filter(pk=item.answer_id).update(comment_count=F("comment_count") + delta)


def _set_state(item, state: str) -> None:
    was_counted = item.moderation_state in COUNTED_STATES
    now_counted = state in COUNTED_STATES
    item.moderation_state = state
    item.save(update_fields=["moderation_state"])
    if was_counted != now_counted:
        parent_count_change(item, +1 if now_counted else -1)


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


def _item_url(item) -> str:
    if isinstance(item, User):
        return item.get_absolute_url()
    if isinstance(item, Comment):
        target = item.target
        return f"{target.get_absolute_url()}#comment-{item.pk}" if target else ""
    return item.get_absolute_url()


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
    approvals = ModerationAction.objects.filter(member=member, kind=ModerationAction.Kind.APPROVE).count()
    if member.premoderation_cleared_at is None and approvals >= settings.PREMODERATION_FIRST_POSTS:
        member.premoderation_cleared_at = timezone.now()
        member.save(update_fields=["premoderation_cleared_at"])


SUSPENSION_DAYS = (1, 3, 7, 30)


@transaction.atomic
def review_act(
    *,
    moderator: User,
    review: ReviewItem,
    action: str,
    reason_code: str = "",
    note: str = "",
    new_text: str = "",
    article=None,
    days: int = 0,
) -> ModerationAction:
    """One button in the queue: approve, remove, edit, note, warn, suspend or ban."""
    review = ReviewItem.objects.select_for_update().get(pk=review.pk)
    if review.resolved_at is not None and action in ("approve", "remove"):
        raise ValidationError("Another moderator has already dealt with this.")
    item = review.item
    author = review.author
    _ensure_may_moderate(moderator, author)
    note = note.strip()
    if item is None:
        _close_review(review, moderator)
        raise ValidationError("This item no longer exists.")
    is_content = not isinstance(item, User)
    kinds = ModerationAction.Kind

    if action == "approve":
        was_waiting = is_content and item.moderation_state == ModerationState.PENDING
        if is_content:
            _set_state(item, ModerationState.VISIBLE)
        logged = _log(moderator=moderator, kind=kinds.APPROVE, item=item, member=author, note=note)
        _close_review(review, moderator)
        _maybe_clear_premoderation(author)
        # An answer or comment that waited for a moderator tells its recipient now, not when written.
        if was_waiting and isinstance(item, Answer):
            notifications.notify_answer(answer=item)
        elif was_waiting and isinstance(item, Comment):
            notifications.notify_reply(comment=item)
        return logged

    if action == "remove":
        if not is_content:
            raise ValidationError("A member's account is suspended or banned, not removed.")
        if reason_code not in ModerationAction.ReasonCode.values or not reason_code:
            raise ValidationError("Please choose the reason for removing it.")
        _set_state(item, ModerationState.REMOVED)
        logged = _log(
            moderator=moderator, kind=kinds.REMOVE, item=item, member=author, reason_code=reason_code, note=note
        )
        _close_review(review, moderator)
        reason = ModerationAction.ReasonCode(reason_code).label
        _tell_author(
            action=logged,
            message=f"A moderator removed your post. {reason}.{f' {note}' if note else ''}",
            can_appeal=True,
        )
        return logged

    if action == "edit":
        if not is_content:
            raise ValidationError("Only posts can be edited.")
        new_text = new_text.strip()
        field = _text_field(item)
        before = getattr(item, field)
        if not new_text or new_text == before:
            raise ValidationError("Change the text before saving the edit.")
        setattr(item, field, new_text)
        item.save(update_fields=[field])
        logged = _log(
            moderator=moderator,
            kind=kinds.EDIT,
            item=item,
            member=author,
            reason_code=reason_code,
            note=note,
            before=before,
            after=new_text,
        )
        _tell_author(action=logged, message="A moderator edited your post to keep it safe.", can_appeal=True)
        return logged

    if action == "note":
        if not is_content:
            raise ValidationError("Notes go under posts.")
        if not note and article is None:
            raise ValidationError("Write the note, or choose a reviewed article to point to.")
        item.moderator_note, item.moderator_note_article = note, article
        item.save(update_fields=["moderator_note", "moderator_note_article"])
        return _log(moderator=moderator, kind=kinds.NOTE, item=item, member=author, note=note)

    if action == "warn":
        if not note:
            raise ValidationError("Write what the member should know.")
        logged = _log(moderator=moderator, kind=kinds.WARN, item=item, member=author, note=note)
        _tell_author(action=logged, message=f"A message from the moderators: {note}", can_appeal=False)
        return logged

    if action == "suspend":
        if days not in SUSPENSION_DAYS:
            raise ValidationError("Choose a suspension of 1, 3, 7 or 30 days.")
        until = timezone.now() + timedelta(days=days)
        author.suspended_until, author.suspension_reason = until, note or "Breaking the community guidelines."
        author.save(update_fields=["suspended_until", "suspension_reason"])
        logged = _log(moderator=moderator, kind=kinds.SUSPEND, item=item, member=author, note=note, until=until)
        _tell_author(
            action=logged,
            message=(
                f"Your account is suspended until {until:%d %B %Y}: you can read but not post. "
                f"{author.suspension_reason}"
            ),
            can_appeal=True,
        )
        return logged

    if action == "ban":
        author.banned_at, author.ban_reason = timezone.now(), note or "Serious or repeated breaches of the guidelines."
        author.save(update_fields=["banned_at", "ban_reason"])
        logged = _log(moderator=moderator, kind=kinds.BAN, item=item, member=author, note=note)
        _close_review(review, moderator)
        _tell_author(action=logged, message=f"Your Kindred account is closed. {author.ban_reason}", can_appeal=False)
        return logged

    raise ValidationError("Unknown action.")


@transaction.atomic
def review_bulk(*, moderator: User, reviews, action: str, reason_code: str = "spam") -> int:
    """Approve or remove many at once, for spam waves. Items a moderator may not act on are skipped."""
    if action not in ("approve", "remove"):
        raise ValidationError("Bulk actions are approve and remove.")
    if action == "remove" and (not reason_code or reason_code not in ModerationAction.ReasonCode.values):
        # Checked once here: otherwise every item would be skipped and nothing said.
        raise ValidationError("Please choose the reason for removing them.")
    done = 0
    for review in reviews:
        try:
            review_act(moderator=moderator, review=review, action=action, reason_code=reason_code)
        except (PermissionDenied, ValidationError):
            continue
        done += 1
    return done


# Appeals


@transaction.atomic
def appeal_create(*, member: User, action: ModerationAction, text: str) -> Appeal:
    if action.member_id != member.pk:
        raise PermissionDenied("You can only appeal decisions about your own posts or account.")
    if action.kind not in (ModerationAction.Kind.REMOVE, ModerationAction.Kind.EDIT, ModerationAction.Kind.SUSPEND):
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
    _queue(item=item, author=member, reason=ReviewItem.Reason.APPEAL)
    return appeal


def _other_moderators_exist(moderator: User) -> bool:
    return User.objects.filter(groups__name="Moderators", is_active=True).exclude(pk=moderator.pk).exists()


@transaction.atomic
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
        if original.kind == ModerationAction.Kind.REMOVE and item is not None:
            _set_state(item, ModerationState.VISIBLE)
        elif original.kind == ModerationAction.Kind.EDIT and item is not None:
            field = _text_field(item)
            setattr(item, field, original.text_before)
            item.save(update_fields=[field])
        elif original.kind == ModerationAction.Kind.SUSPEND:
            appeal.member.suspended_until = None
            appeal.member.save(update_fields=["suspended_until"])
    kind = ModerationAction.Kind.RESTORE if restore else ModerationAction.Kind.UPHOLD
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
    verdict = "restored your post" if restore else "looked again and kept their decision"
    account_services.notify_moderation(
        member=appeal.member,
        message=f"About your appeal: a moderator {verdict}.{f' {note}' if note else ''}",
        url=_item_url(item) if (item is not None and restore) else "",
        thread_key=f"appeal:{appeal.pk}",
    )
    return logged


# New sign-ups

SIGNUP_WAVE_WINDOW = timedelta(hours=1)
SIGNUP_WAVE_SIZE = 3


def screen_new_member(*, member: User) -> ReviewItem | None:
    """Hold a sign-up for a moderator's look when it looks like advertising (a link in the name) or
    like a wave (several accounts with the same name within the hour). Its posts wait for a
    moderator anyway, as every new member's first posts do."""
    looks_like_ad = bool(LINK.search(member.display_name)) or re.search(
        r"\.(com|net|org|shop|biz)\b", member.display_name
    )
    wave = (
        User.objects.filter(
            display_name__iexact=member.display_name, date_joined__gte=timezone.now() - SIGNUP_WAVE_WINDOW
        ).count()
        >= SIGNUP_WAVE_SIZE
    )
    if not (looks_like_ad or wave):
        return None
    return _queue(item=member, author=member, reason=ReviewItem.Reason.SIGNUP)
