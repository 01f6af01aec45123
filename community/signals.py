from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from community import moderation


@receiver(user_signed_up, dispatch_uid="community.screen_new_member")
def screen_sign_up(sender, request, user, **kwargs):
    moderation.screen_new_member(member=user)
