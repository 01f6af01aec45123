from django.apps import apps as global_apps
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from accounts.models import Profile, User
from accounts.roles import ensure_reference_data


@receiver(post_save, sender=User, dispatch_uid="accounts.create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    # Every path that makes a user (sign-up, createsuperuser, admin, fixtures) gets a profile,
    # so templates and selectors can rely on user.profile existing.
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(post_migrate, dispatch_uid="accounts.ensure_reference_data")
def reference_data_after_migrate(sender, apps=global_apps, **kwargs):
    # Sent once per app after migrate and flush (flush passes no apps); by the last app every
    # permission exists.
    ensure_reference_data(apps)
