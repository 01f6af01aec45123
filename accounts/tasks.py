"""Background work for accounts' emails. Enqueue these only from transaction.on_commit."""

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend, task
from django.urls import reverse
from django.utils import timezone

from accounts import data_export
from accounts.mail import digests, notification_emails, sending, tokens
from accounts.models import NewsletterSubscription
from core import progress


@task(queue_name="email")
def send_subscription_confirmation(subscription_id: int) -> None:
    subscription = NewsletterSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.is_active:
        return
    message = sending.build(
        template="subscription_confirm",
        to=subscription.email,
        subject="Please confirm: new articles by email",
        context={"confirm_url": tokens.confirm_url(subscription)},
    )
    sending.send(message)


@task(queue_name="email")
def send_notification_emails(recipient_id: int, thread_key: str) -> str:
    outcome = notification_emails.flush_thread(recipient_id, thread_key)
    if outcome == "wait" and default_task_backend.supports_defer:
        # A worker that can wait picks the folded notifications up when the hour is over; the
        # `send_notification_emails` command sweeps them otherwise.
        send_notification_emails.using(run_after=timezone.now() + notification_emails.interval()).enqueue(
            recipient_id, thread_key
        )
    return outcome


def enqueue_digests(frequency: str) -> tuple[int, int]:
    """Record this period's deliveries, then enqueue them in batches once that is committed.
    Returns how many digests and how many batches."""
    size = settings.DIGEST_BATCH_SIZE
    with transaction.atomic():
        ids = digests.plan(frequency)
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    # Enqueued once the plan is committed. Where tasks run at once (no worker), each batch is sent
    # here, which is what the bar shows on a terminal.
    with progress.bar(total=len(ids), desc=f"{frequency.capitalize()} digests", unit="digest") as shown:
        for batch in batches:
            transaction.on_commit(lambda batch=batch: send_digest_batch.enqueue(batch))
            shown.update(len(batch))
    return len(ids), len(batches)


@task()
def send_digests(frequency: str) -> int:
    """What `manage.py send_digests` does, for a scheduler that enqueues tasks instead of running cron."""
    return enqueue_digests(frequency)[0]


@task(queue_name="email")
def send_digest_batch(delivery_ids: list[int]) -> dict:
    return digests.send_batch(delivery_ids)


@task()
def build_data_export(export_id: int) -> bool:
    """Build the member's archive, then email them the one-time link (the token exists only in
    this email: the database keeps its hash)."""
    built = data_export.archive_store(export_id)
    if built is None:
        return False
    export, token = built
    message = sending.build(
        template="data_export_ready",
        to=export.member.email,
        subject="Your Kindred data is ready to download",
        context={
            "name": export.member.display_name,
            "download_url": tokens.absolute(reverse("data_export_download", args=[token])),
            "expires_at": export.expires_at,
            "hours": int((export.expires_at - export.ready_at).total_seconds() // 3600),
        },
    )
    sending.send(message)
    return True


@task(queue_name="email")
def send_account_deleted_email(email: str, name: str, kept_answers_and_comments: bool) -> None:
    message = sending.build(
        template="account_deleted",
        to=email,
        subject="Your Kindred account is deleted",
        context={"name": name, "kept": kept_answers_and_comments},
    )
    sending.send(message)
