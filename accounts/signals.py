from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    # Every path that makes a user (sign-up, createsuperuser, admin, fixtures) gets a profile,
    # so templates and selectors can rely on user.profile existing.
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
