"""Background work for accounts' emails. Enqueue these only from transaction.on_commit."""

from django.tasks import default_task_backend, task

from accounts import article_emails, digests, emails, notification_emails, tokens
from accounts.models import NewsletterSubscription


@task(queue_name="email")
def send_subscription_confirmation(subscription_id: int) -> None:
    subscription = NewsletterSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.is_active:
        return
    message = emails.build(
        template="subscription_confirm",
        to=subscription.email,
        subject="Please confirm: new articles by email",
        context={"name": subscription.name, "confirm_url": tokens.confirm_url(subscription)},
    )
    emails.send(message)


@task(queue_name="email")
def send_notification_emails(recipient_id: int, thread_key: str) -> str:
    outcome = notification_emails.flush_thread(recipient_id, thread_key)
    if outcome == "wait" and default_task_backend.supports_defer:
        # A worker that can wait picks the folded notifications up when the hour is over; the
        # `send_notification_emails` command sweeps them otherwise.
        from django.utils import timezone

        send_notification_emails.using(run_after=timezone.now() + notification_emails.interval()).enqueue(
            recipient_id, thread_key
        )
    return outcome


@task(queue_name="email")
def send_digest_batch(delivery_ids: list[int]) -> dict:
    return digests.send_batch(delivery_ids)


@task(queue_name="email")
def send_article_emails(article_id: int) -> dict:
    return article_emails.send_for(article_id)
