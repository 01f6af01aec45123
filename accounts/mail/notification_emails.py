"""Emailing notifications: one email per thread per hour at most, later events folded into the
next email, nothing for what the member has already seen."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.mail import sending, tokens
from accounts.models import EmailPreferences, Notification, NotificationEmail, User
from core import progress

PREFERENCE_FOR_KIND = {
    Notification.Kind.ANSWER: "answers",
    Notification.Kind.REPLY: "replies",
    Notification.Kind.MESSAGE: "new_messages",
}


def interval() -> timedelta:
    return timedelta(minutes=settings.NOTIFICATION_EMAIL_INTERVAL_MINUTES)


def flush_thread(recipient_id: int, thread_key: str) -> str:
    """Email the member's pending notifications in one thread if the thread's hour has passed.
    Returns what happened: "sent", "seen", "off", "bouncing", "wait" or "nothing"."""
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient_id=recipient_id, thread_key=thread_key, email_status=NotificationEmail.PENDING)
            .order_by("created_at", "id")
        )
        if not pending:
            return "nothing"
        seen = [n.pk for n in pending if n.read_at is not None]
        unread = [n for n in pending if n.read_at is None]
        if seen:
            Notification.objects.filter(pk__in=seen).update(email_status=NotificationEmail.SEEN)
        if not unread:
            return "seen"
        last = Notification.objects.filter(
            recipient_id=recipient_id, thread_key=thread_key, email_status=NotificationEmail.SENT
        ).aggregate(last=Max("emailed_at"))["last"]
        if last is not None and last > now - interval():
            return "wait"  # folded into the next email, once the hour is over
        member = User.objects.get(pk=recipient_id)
        preferences, _ = EmailPreferences.objects.get_or_create(user=member)
        # Changes to the preferences count from the next send.
        wanted = [n for n in unread if getattr(preferences, PREFERENCE_FOR_KIND.get(n.kind, ""), True)]
        unwanted = [n.pk for n in unread if n not in wanted]
        if unwanted:
            Notification.objects.filter(pk__in=unwanted).update(email_status=NotificationEmail.OFF)
        if not wanted:
            return "off"
        ids = [n.pk for n in wanted]
        if not member.is_active or preferences.is_bouncing(member.email):
            Notification.objects.filter(pk__in=ids).update(email_status=NotificationEmail.BOUNCING)
            return "bouncing"
        newest = wanted[-1]
        subject = newest.message if len(wanted) == 1 else f"{newest.message} (and {len(wanted) - 1} more)"
        message = sending.build(
            template="notification",
            to=member.email,
            subject=f"[{settings.SITE_NAME}] {subject}"[:200],
            context={
                "member": member,
                "notifications": wanted,
                "notifications_url": tokens.absolute("/notifications/"),
                "link": tokens.absolute(newest.url) if newest.url.startswith("/") else newest.url,
            },
        )
        sending.send(message)
        Notification.objects.filter(pk__in=ids).update(email_status=NotificationEmail.SENT, emailed_at=now)
        return "sent"


def due_threads() -> list[tuple[int, str]]:
    """Threads with notifications still waiting for an email, for the periodic sweep."""
    return list(
        Notification.objects.filter(email_status=NotificationEmail.PENDING)
        .order_by()
        .values_list("recipient_id", "thread_key")
        .distinct()
    )


def flush_all() -> dict[str, int]:
    counts: dict[str, int] = {}
    threads = due_threads()
    with progress.bar(total=len(threads), desc="Notification emails", unit="thread") as shown:
        for recipient_id, thread_key in threads:
            outcome = flush_thread(recipient_id, thread_key)
            counts[outcome] = counts.get(outcome, 0) + 1
            shown.update()
    return counts
