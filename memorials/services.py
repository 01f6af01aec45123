"""Writes about a member who has died. Each checks who acts, changes data in one transaction, logs
what a moderator did in moderation's append-only log, and sends notices once it commits."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import EmailPreferences, Notification, User
from accounts.permissions import acts_as_moderator, can_read_community
from accounts.services import account_delete, member_sessions_end, notification_create
from community.models import ModerationAction, ReviewItem, TeamMembership
from community.moderation.services import queue_for_review
from memorials.family import family_archive
from memorials.models import DeathReport

LINE_MAX = 300


@transaction.atomic(durable=True)
def death_report_create(*, reporter: User, member: User, note: str = "") -> DeathReport:
    """A member tells the moderators that another member has died. Nothing changes until a
    moderator looks; the news waits in the queue as its own kind, after anything urgent."""
    if not can_read_community(reporter):
        raise PermissionDenied("Only members can tell us this.")
    if member.pk == reporter.pk or not member.is_active:
        raise ValidationError("This is not something we can take from this account.")
    if member.is_remembered:
        raise ValidationError(f"{member.display_name} is already remembered on Kindred.")
    note = (note or "").replace("\x00", "").strip()[:1000]
    try:
        with transaction.atomic():
            report = DeathReport.objects.create(member=member, reporter=reporter, note=note)
    except IntegrityError:
        raise ValidationError("You have told us already. Thank you: a moderator will look at it with care.") from None
    waiting = ReviewItem.objects.filter(
        reason=ReviewItem.Reason.MEMORIAL, author=member, resolved_at__isnull=True
    ).exists()
    if not waiting:
        # One entry per member in the queue; later reports are shown with it.
        queue_for_review(item=report, author=member, reason=ReviewItem.Reason.MEMORIAL)
    return report


def _ensure_moderator(moderator: User, member: User) -> None:
    if not acts_as_moderator(moderator):
        raise PermissionDenied("Only moderators with two-factor authentication can do this.")
    if member.pk == moderator.pk:
        raise PermissionDenied("Moderators cannot change their own account's status.")


def _team_of(member: User) -> list[int]:
    """Members connected to them by a team, either way: those who follow them and those they followed."""
    rows = TeamMembership.objects.filter(Q(member=member) | Q(teammate=member)).values_list("member_id", "teammate_id")
    return sorted({person for pair in rows for person in pair if person != member.pk})


@transaction.atomic(durable=True)
def memorial_set(*, moderator: User, member: User, line: str = "") -> ModerationAction:
    """Keep a member's account in their memory: it no longer logs in and its sessions end, it gets
    no email of any kind, it leaves member lists and message recipients, and its profile says
    "Remembered" (with the family's line) instead of health details. What they wrote stays. Their
    team hear of it once, gently, in the site (and by email if they allow news about their team)."""
    _ensure_moderator(moderator, member)
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_remembered:
        raise ValidationError(f"{member.display_name} is already remembered.")
    line = (line or "").replace("\x00", "").strip()
    if len(line) > LINE_MAX:
        raise ValidationError(f"The family's line can be at most {LINE_MAX} characters.")
    now = timezone.now()
    member.remembered_at, member.memorial_line = now, line
    member.save(update_fields=["remembered_at", "memorial_line"])
    logged = ModerationAction.objects.create(moderator=moderator, kind=ModerationAction.Kind.REMEMBER, member=member)
    ReviewItem.objects.filter(reason=ReviewItem.Reason.MEMORIAL, author=member, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=moderator
    )
    member_id = member.pk
    transaction.on_commit(lambda: member_sessions_end(member_id=member_id))
    wants_email = dict(
        EmailPreferences.objects.filter(user_id__in=_team_of(member)).values_list("user_id", "team_news")
    )
    for person in _team_of(member):
        notification_create(
            recipient_id=person,
            kind=Notification.Kind.TEAM,
            message=f"We are sad to tell you that {member.display_name} has died. Their profile and what they "
            "shared stay on Kindred in their memory.",
            url=member.get_absolute_url(),
            thread_key=f"memorial:{member.pk}",
            by_email=wants_email.get(person, True),
        )
    return logged


@transaction.atomic(durable=True)
def memorial_undo(*, moderator: User, member: User, note: str = "") -> ModerationAction:
    """Take the memorial status back (a mistaken report happens): the account is as it was, and its
    owner signs in again. Nobody is notified; the log keeps both steps."""
    _ensure_moderator(moderator, member)
    member = User.objects.select_for_update().get(pk=member.pk)
    if not member.is_remembered:
        raise ValidationError(f"{member.display_name} is not remembered.")
    member.remembered_at, member.memorial_line = None, ""
    member.save(update_fields=["remembered_at", "memorial_line"])
    return ModerationAction.objects.create(
        moderator=moderator, kind=ModerationAction.Kind.UNREMEMBER, member=member, note=(note or "").strip()[:1000]
    )


def _ensure_remembered(moderator: User, member: User) -> None:
    _ensure_moderator(moderator, member)
    if not member.is_remembered:
        raise ValidationError("This is offered only for a remembered member, at the family's request.")


def family_archive_give(*, moderator: User, member: User) -> bytes:
    """The words and pictures a remembered member shared with members, for their family: logged."""
    _ensure_remembered(moderator, member)
    with transaction.atomic(durable=True):
        ModerationAction.objects.create(moderator=moderator, kind=ModerationAction.Kind.FAMILY_ARCHIVE, member=member)
    return family_archive(member)


def memorial_account_delete(*, moderator: User, member: User, keep_answers_and_comments: bool) -> None:
    """At the family's request, delete a remembered member's account instead of keeping it (the
    ordinary deletion, keeping or removing what they wrote). The log keeps the name."""
    _ensure_remembered(moderator, member)
    with transaction.atomic(durable=True):
        ModerationAction.objects.create(moderator=moderator, kind=ModerationAction.Kind.MEMORIAL_DELETE, member=member)
    account_delete(actor=moderator, member=member, keep_answers_and_comments=keep_answers_and_comments)
