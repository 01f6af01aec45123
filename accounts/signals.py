from allauth.account.signals import email_changed, email_confirmed, user_signed_up
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from accounts.mail import subscriptions
from accounts.models import EmailPreferences, Profile, User
from accounts.reference_data import ensure_reference_data


@receiver(post_save, sender=User, dispatch_uid="accounts.create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    # Every path that makes a user (sign-up, createsuperuser, admin, fixtures) gets a profile,
    # so templates and selectors can rely on user.profile existing.
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
        EmailPreferences.objects.get_or_create(user=instance)


@receiver(user_signed_up, dispatch_uid="accounts.join_subscription")
def join_subscription(sender, request, user, **kwargs):
    # Someone who subscribed to new articles before joining keeps the subscription as a member.
    subscriptions.subscription_join_account(member=user)


@receiver(email_confirmed, dispatch_uid="accounts.clear_bounce_on_confirm")
def clear_bounce_on_confirm(sender, request, email_address, **kwargs):
    # A re-verified address is receiving mail again.
    if email_address.user_id:
        subscriptions.email_bounce_clear(member=email_address.user)


@receiver(email_changed, dispatch_uid="accounts.clear_bounce_on_change")
def clear_bounce_on_change(sender, request, user, from_email_address, to_email_address, **kwargs):
    subscriptions.email_bounce_clear(member=user)


@receiver(post_migrate, dispatch_uid="accounts.ensure_reference_data")
def reference_data_after_migrate(sender, apps=global_apps, **kwargs):
    # Sent once per app after migrate and flush (flush passes no apps); by the last app every
    # permission exists.
    ensure_reference_data(apps)
