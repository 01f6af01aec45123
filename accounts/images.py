"""Checking and re-encoding pictures that members upload (avatars, update pictures).

Every picture is opened with Pillow, checked, then re-encoded: what we store never carries the
uploader's EXIF block (camera, time, GPS location) or any bytes we did not write ourselves.
"""

import io
import uuid

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_picture(upload, *, max_bytes: int, max_side: int, min_side: int = 32) -> None:
    """Raise a ValidationError with a message a member can act on."""
    if upload.size > max_bytes:
        raise forms.ValidationError(
            f"That picture is larger than {max_bytes // (1024 * 1024)} MB. Please choose a smaller one."
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
    except (OSError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError(
            "That file is not a picture we can read. Please choose a JPEG, PNG or WebP."
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise forms.ValidationError("Please choose a JPEG, PNG or WebP picture.")
    # Checked from the header, before any pixel is decoded: a small file can declare a huge image.
    if width * height > settings.PICTURE_MAX_TOTAL_PIXELS:
        raise forms.ValidationError(
            "That picture has too many pixels for us to open safely. Please choose a smaller one."
        )
    if max(width, height) > max_side:
        raise forms.ValidationError(f"That picture is too large: at most {max_side} pixels on a side, please.")
    if min(width, height) < min_side:
        raise forms.ValidationError(f"That picture is too small: at least {min_side} pixels on a side, please.")


def reencode_picture(*, upload, max_side: int) -> ContentFile:
    """Upright, at most max_side on its longer side, WebP, without metadata, under a random name
    (the uploaded file name may itself be personal)."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original)
        image.thumbnail((max_side, max_side))
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        out = io.BytesIO()
        # Saving without exif= writes no metadata block at all.
        image.save(out, format="WEBP", quality=85)
    upload.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")
