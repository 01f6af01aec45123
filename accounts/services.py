"""Writes to members' data. Each function checks who is acting and changes data in one transaction."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.forms import ProfileForm
from accounts.images import reencode_picture
from accounts.models import Notification, Profile, User


def profile_update(*, actor: User, profile: Profile, form: ProfileForm) -> Profile:
    if actor.pk != profile.user_id:
        raise PermissionDenied("Members can only change their own profile.")
    with transaction.atomic():
        # The bound form has already put the new upload on the instance: ask the database.
        old_avatar = Profile.objects.select_for_update().values_list("avatar", flat=True).get(pk=profile.pk)
        profile = form.save(commit=False)
        new_upload = "avatar" in form.changed_data and form.cleaned_data.get("avatar")
        if new_upload:
            encoded = reencode_picture(upload=new_upload, max_side=settings.AVATAR_SIZE)
            profile.avatar.save(encoded.name, encoded, save=False)
        profile.save()
        form.save_m2m()
        actor.display_name = form.cleaned_data["display_name"]
        actor.save(update_fields=["display_name"])
        new_avatar = profile.avatar.name if profile.avatar else ""
        if old_avatar and old_avatar != new_avatar:
            transaction.on_commit(lambda: default_storage.delete(old_avatar))
    return profile


def notification_send(*, recipient: User, kind: str, message: str, url: str = "") -> Notification:
    return Notification.objects.create(recipient=recipient, kind=kind, message=message[:500], url=url)


def notifications_mark_read(*, member: User, notification_ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
