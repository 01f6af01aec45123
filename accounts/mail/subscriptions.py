"""Who receives what by email: a member's preferences, bouncing addresses, the newsletter's
subscriptions (double opt-in) and one-click unsubscribe."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import selectors, services, tasks
from accounts.mail import tokens
from accounts.models import DigestFrequency, EmailPreferences, NewsletterSubscription, User

EMAIL_PREFERENCE_FIELDS = (
    "digest_frequency",
    "new_articles",
    "answers",
    "replies",
    "new_messages",
    "team_news",
    "treatment_news",
    "trial_alerts",
)


# Email preferences


def email_preferences_get_or_create(member: User) -> EmailPreferences:
    """The member's preferences, made with the defaults the first time they are needed."""
    preferences, _ = EmailPreferences.objects.get_or_create(user=member)
    return preferences


def email_preferences_update(*, actor: User, member: User, values: Mapping[str, Any]) -> EmailPreferences:
    if actor.pk != member.pk:
        raise PermissionDenied("Members can only change their own email preferences.")
    if values.get("trial_alerts") and not selectors.has_health_consent(member=member):
        raise ValidationError("Trial alerts read your biomarkers, so they need your consent to health details first.")
    with transaction.atomic(durable=True):
        preferences, _ = EmailPreferences.objects.select_for_update().get_or_create(user=member)
        services.assign_fields(preferences, values, EMAIL_PREFERENCE_FIELDS)
        preferences.save()
    return preferences


def email_bounce_clear(*, member: User) -> None:
    """The member changed or re-verified their address: mail may go to it again."""
    EmailPreferences.objects.filter(user=member).exclude(bounced_email="").update(
        bounced_email="", bounced_at=None, bounce_reason=""
    )


# Newsletter subscriptions (double opt-in)

CONFIRMATION_RESEND_INTERVAL = timedelta(minutes=10)


def subscription_request(*, name: str, email: str) -> None:
    """Ask for new articles by email. The caller always answers the same way, whatever happened
    here, so the page never tells whether an address is known."""
    email = User.objects.normalize_email(email.strip()).lower()
    name = " ".join(name.split())[:100]
    now = timezone.now()
    with transaction.atomic(durable=True):
        subscription = NewsletterSubscription.objects.select_for_update().filter(email=email).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = NewsletterSubscription.objects.create(name=name, email=email)
            except IntegrityError:  # someone else subscribed the same address a moment ago
                return
        if subscription.is_active:
            return
        sent = subscription.confirmation_sent_at
        if sent and sent > now - CONFIRMATION_RESEND_INTERVAL:
            return  # one confirmation email per address every few minutes, however often the form is sent
        subscription.name = name or subscription.name
        subscription.user = User.objects.filter(email__iexact=email).first()
        subscription.confirmation_sent_at = now
        subscription.save()
        subscription_id = subscription.pk
        transaction.on_commit(lambda: tasks.send_subscription_confirmation.enqueue(subscription_id))


def subscription_confirm(*, token: str) -> NewsletterSubscription | None:
    data = tokens.read_confirm_token(token)
    if data is None:
        return None
    with transaction.atomic(durable=True):
        subscription = NewsletterSubscription.objects.select_for_update().filter(pk=data["s"], email=data["e"]).first()
        if subscription is None:
            return None
        if not subscription.is_active:
            subscription.confirmed_at = timezone.now()
            subscription.unsubscribed_at = None
            subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
        if subscription.user_id:
            EmailPreferences.objects.update_or_create(user_id=subscription.user_id, defaults={"new_articles": True})
    return subscription


def subscription_join_account(*, member: User) -> None:
    """A subscriber signed up with the same address: the subscription becomes the member's, and a
    confirmed one carries over as the member's new-article preference."""
    with transaction.atomic():
        subscription = NewsletterSubscription.objects.select_for_update().filter(email=member.email.lower()).first()
        if subscription is None:
            return
        subscription.user = member
        subscription.save(update_fields=["user"])
        if subscription.is_active:
            EmailPreferences.objects.update_or_create(user=member, defaults={"new_articles": True})


def unsubscribe(*, token: str) -> str | None:
    """Stop what the link in a bulk email was for. Returns what stopped, or None when the token is
    not one of ours (nothing changes then)."""
    data = tokens.read_unsubscribe_token(token)
    if data is None:
        return None
    now = timezone.now()
    with transaction.atomic(durable=True):
        if "s" in data:
            subscription = NewsletterSubscription.objects.filter(pk=data["s"], email=data["e"]).first()
            if subscription is None:
                return None
            if subscription.unsubscribed_at is None:
                subscription.unsubscribed_at = now
                subscription.save(update_fields=["unsubscribed_at"])
            if subscription.user_id:
                EmailPreferences.objects.filter(user_id=subscription.user_id).update(new_articles=False)
            return "new articles by email"
        member = User.objects.filter(pk=data["m"]).first()
        if member is None:
            return None
        preferences = email_preferences_get_or_create(member)
        if data["l"] == tokens.LIST_DIGEST:
            preferences.digest_frequency = DigestFrequency.NEVER
            what = "the digest"
        else:
            preferences.new_articles = False
            NewsletterSubscription.objects.filter(user=member, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
            what = "new articles by email"
        preferences.save()
        return what
