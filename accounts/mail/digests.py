"""Daily and weekly digests, delivered exactly once per member and period.

`plan()` writes a DigestDelivery row for every member due in the period before anything is sent
(the unique constraint makes a rerun add nothing), then `send_batch()` sends each row inside a
transaction that holds the row's lock, marking it sent in that same transaction. A crash rolls
back the row being sent, so a rerun resumes with it; rows already marked sent are never touched
again. Content is gathered for the whole batch at once: a fixed number of queries per batch.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Protocol

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.mail import sending, tokens
from accounts.models import DigestDelivery, DigestFrequency, User

PERIOD_DAYS = {DigestFrequency.DAILY: 1, DigestFrequency.WEEKLY: 7}
PER_SECTION = 5
# The sections a member may leave out of their digest as "treatment news" (bereaved carers).
TREATMENT_NEWS = ("articles", "trials")
Status = DigestDelivery.Status


def period_start(frequency: str, now: datetime) -> date:
    today = timezone.localdate(now)
    return today if frequency == DigestFrequency.DAILY else today - timedelta(days=today.weekday())


def plan(frequency: str, now: datetime | None = None) -> list[int]:
    """Record this period's deliveries (skips with their reason) and return the ids to send now."""
    if frequency not in PERIOD_DAYS:
        raise ValueError(f"Unknown digest frequency {frequency!r}")
    now = now or timezone.now()
    start = period_start(frequency, now)
    inactive_since = now - timedelta(days=settings.DIGEST_INACTIVE_DAYS)
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    members = (
        User.objects.filter(email_preferences__digest_frequency=frequency)
        .annotate(verified=Exists(verified))
        .values_list(
            "pk",
            "email",
            "is_active",
            "banned_at",
            "remembered_at",
            "last_login",
            "date_joined",
            "verified",
            "email_preferences__bounced_email",
        )
        .order_by("pk")
    )
    with transaction.atomic():
        # Retries left over from an earlier period are not sent late: that digest is out of date.
        DigestDelivery.objects.filter(frequency=frequency, status__in=[Status.PENDING, Status.RETRY]).exclude(
            period_start=start
        ).update(status=Status.SKIPPED, reason="The period ended before it could be sent.", next_attempt_at=None)
        rows = []
        for row in members.iterator(2000):
            pk, email, is_active, banned_at, remembered_at, last_login, joined, is_verified, bounced = row
            status, reason = Status.PENDING, ""
            if not is_active or banned_at:
                status, reason = Status.SKIPPED, "The account is closed or banned."
            elif remembered_at:
                status, reason = Status.SKIPPED, "The member has died; the account is kept in memory."
            elif not is_verified:
                status, reason = Status.SKIPPED, "The email address is not verified."
            elif bounced and bounced.lower() == email.lower():
                status, reason = Status.SKIPPED, "The address is bouncing."
            elif (last_login or joined) < inactive_since:
                status, reason = Status.SKIPPED, f"Not seen for {settings.DIGEST_INACTIVE_DAYS} days."
            rows.append(
                DigestDelivery(member_id=pk, frequency=frequency, period_start=start, status=status, reason=reason)
            )
            if len(rows) >= 2000:
                DigestDelivery.objects.bulk_create(rows, ignore_conflicts=True)
                rows = []
        DigestDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        DigestDelivery.objects.filter(frequency=frequency, period_start=start)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RETRY, next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class DigestPart(Protocol):
    """What an app above accounts adds to the digest, registered in its AppConfig.ready."""

    def gather(self, *, since: dict[int, datetime]) -> dict[int, dict[str, list[dict]]]:
        """For each member id in `since`, this part's sections (name -> entries), holding only what
        is newer than that member's time, at most PER_SECTION entries each, in a fixed number of
        queries for the whole batch."""


class RecordsDelivery(Protocol):
    """A part that must remember what reached each member (trial alerts: each trial once) adds
    `sent`, called inside the transaction that marks the digest sent, after it went."""

    def sent(self, *, member_id: int, digest: "MemberDigest") -> None: ...


_parts: dict[str, DigestPart] = {}


def register(name: str, part: DigestPart) -> None:
    _parts[name] = part


# A member's digest: section name -> entries. The email templates name the sections they show.
MemberDigest = dict[str, list[dict]]


def is_empty(digest: MemberDigest) -> bool:
    return not any(digest.values())


def first(entries: Iterable[dict]) -> list[dict]:
    return list(islice(entries, PER_SECTION))


def gather(deliveries: list[DigestDelivery], now: datetime) -> dict[int, MemberDigest]:
    """Each member's digest for a batch of deliveries, in a fixed number of queries."""
    since = {}
    for delivery in deliveries:
        preferences = delivery.member.email_preferences
        default = now - timedelta(days=PERIOD_DAYS[delivery.frequency])
        since[delivery.member_id] = max(preferences.last_digest_at or default, default - timedelta(days=7))
    digests = {member_id: {} for member_id in since}
    if not since:
        return digests
    for part in _parts.values():
        for member_id, sections in part.gather(since=since).items():
            digests[member_id].update(sections)
    for delivery in deliveries:
        if not delivery.member.email_preferences.treatment_news:
            for section in TREATMENT_NEWS:
                digests[delivery.member_id].pop(section, None)
    return digests


def build_message(member: User, frequency: str, digest: MemberDigest):
    label = "daily" if frequency == DigestFrequency.DAILY else "weekly"
    return sending.build(
        template="digest",
        to=member.email,
        subject=f"Your {label} {settings.SITE_NAME} digest",
        context={
            "member_name": member.display_name,
            "label": label,
            "digest": digest,
            "home_url": tokens.absolute(reverse("home")),
        },
        unsubscribe_token=tokens.member_unsubscribe_token(member, tokens.LIST_DIGEST),
    )


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=settings.DIGEST_RETRY_BASE_MINUTES * 2 ** max(attempts - 1, 0))


def send_batch(delivery_ids: list[int], now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    deliveries = list(
        DigestDelivery.objects.filter(pk__in=delivery_ids)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RETRY, next_attempt_at__lte=now))
        .select_related("member", "member__email_preferences")
        .order_by("pk")
    )
    digests = gather(deliveries, now)
    counts = defaultdict(int)
    with sending.one_connection():
        for delivery in deliveries:
            outcome = _send_one(delivery, digests[delivery.member_id], now)
            counts[outcome] += 1
    return dict(counts)


def _send_one(delivery: DigestDelivery, digest: MemberDigest, now: datetime) -> str:
    with transaction.atomic():
        # The row's lock is held while sending: another worker skips it, and a crash rolls back
        # to pending so the next run sends it. The member's preferences come fresh in the same
        # query, unlocked: the writes below touch only their own columns.
        row = (
            DigestDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("member__email_preferences")
            .filter(pk=delivery.pk, status__in=[Status.PENDING, Status.RETRY])
            .first()
        )
        if row is None:
            return "taken"
        member = row.member
        preferences = member.email_preferences
        if preferences.digest_frequency != row.frequency:
            row.status, row.reason = Status.SKIPPED, "The member changed their digest preference."
        elif preferences.is_bouncing(member.email):
            row.status, row.reason = Status.SKIPPED, "The address is bouncing."
        elif is_empty(digest):
            row.status, row.reason = Status.SKIPPED, "Nothing new to show."
        else:
            row.attempts += 1
            try:
                sending.send(build_message(member, row.frequency, digest))
            except Exception as error:
                problem = sending.classify_failure(error)
                if problem is None:
                    raise
                row.last_error = problem.detail[:2000]
                row.next_attempt_at = None
                if problem.permanent:
                    row.status, row.reason = Status.FAILED, "Permanent failure: the address is bouncing."
                    preferences.bounced_email = member.email
                    preferences.bounced_at = now
                    preferences.bounce_reason = problem.detail[:300]
                    preferences.save(update_fields=["bounced_email", "bounced_at", "bounce_reason"])
                elif row.attempts >= settings.DIGEST_MAX_ATTEMPTS:
                    row.status, row.reason = Status.FAILED, f"Gave up after {row.attempts} temporary failures."
                else:
                    row.status, row.reason = Status.RETRY, "Temporary failure, will retry."
                    row.next_attempt_at = now + _retry_delay(row.attempts)
            else:
                row.status, row.reason, row.sent_at, row.next_attempt_at = Status.SENT, "", timezone.now(), None
                preferences.last_digest_at = now
                preferences.save(update_fields=["last_digest_at"])
                for part in _parts.values():
                    if hasattr(part, "sent"):
                        part.sent(member_id=member.pk, digest=digest)
        row.save()
        return row.status
