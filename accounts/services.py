"""Writes to members' data. Each function checks who is acting and changes data in one transaction."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps

from accounts.forms import ProfileForm
from accounts.models import Profile, User


def avatar_reencode(*, upload) -> ContentFile:
    """Re-encode an uploaded picture: upright, at most AVATAR_SIZE square-ish, no EXIF (no GPS)."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((settings.AVATAR_SIZE, settings.AVATAR_SIZE))
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        out = io.BytesIO()
        # Saving without passing exif= drops every metadata block, location included.
        image.save(out, format="WEBP", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")


def profile_update(*, actor: User, profile: Profile, form: ProfileForm) -> Profile:
    if actor.pk != profile.user_id:
        raise PermissionDenied("Members can only change their own profile.")
    with transaction.atomic():
        # The bound form has already put the new upload on the instance: ask the database.
        old_avatar = Profile.objects.select_for_update().values_list("avatar", flat=True).get(pk=profile.pk)
        profile = form.save(commit=False)
        new_upload = "avatar" in form.changed_data and form.cleaned_data.get("avatar")
        if new_upload:
            encoded = avatar_reencode(upload=new_upload)
            profile.avatar.save(encoded.name, encoded, save=False)
        profile.save()
        form.save_m2m()
        actor.display_name = form.cleaned_data["display_name"]
        actor.save(update_fields=["display_name"])
        new_avatar = profile.avatar.name if profile.avatar else ""
        if old_avatar and old_avatar != new_avatar:
            transaction.on_commit(lambda: default_storage.delete(old_avatar))
    return profile
