"""The "download my data" archive: data.json with everything Kindred holds about the member, and
the original images they uploaded, byte for byte as stored."""

import hashlib
import json
import posixpath
import secrets
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts import member_data, selectors
from accounts.models import DataExport, EmailPreferences, NewsletterSubscription, Profile


def _when(value):
    return value.isoformat() if value else None


def _profile(profile: Profile) -> dict:
    data = {
        "display_name": profile.user.display_name,
        "email": profile.user.email,
        "joined": _when(profile.user.date_joined),
        "avatar": profile.avatar.name if profile.avatar else None,
        "role": profile.role,
        "diagnosis": profile.diagnosis,
        "diagnosis_label": profile.get_diagnosis_display() if profile.diagnosis else "",
        "stage": profile.stage,
        "stage_label": profile.get_stage_display() if profile.stage else "",
        "biomarkers": [b.name for b in profile.biomarkers.all()],
        "treatments": [t.name for t in profile.treatments.all()],
        "medicines": [str(m) for m in profile.medicines.all()],
        "year_diagnosed": profile.year_diagnosed,
        "location": profile.location,
        "bio": profile.bio,
        "visibility": {name: getattr(profile, f"{name}_visibility") for name in Profile.PRIVATE_FIELDS},
        "who_can_add_me_to_a_team": profile.team_add_policy,
        "who_can_message_me": profile.message_policy,
        "appear_in_member_search": profile.discoverable,
    }
    return data


def document(member) -> dict:
    profile = Profile.objects.select_related("user").get(user=member)
    preferences = EmailPreferences.objects.filter(user=member).first()
    return {
        "exported_at": _when(timezone.now()),
        "profile": _profile(profile),
        "health_data_consents": [
            {"policy_version": c.policy_version, "given_at": _when(c.given_at), "withdrawn_at": _when(c.withdrawn_at)}
            for c in selectors.health_consents_of(member=member)
        ],
        **{key: value for part in member_data.parts() for key, value in part.export(member).items()},
        "newsletter_subscriptions": [
            {
                "email": s.email,
                "name": s.name,
                "created_at": _when(s.created_at),
                "confirmed_at": _when(s.confirmed_at),
                "unsubscribed_at": _when(s.unsubscribed_at),
            }
            for s in NewsletterSubscription.objects.filter(user=member)
        ],
        "email_preferences": {
            "digest": preferences.digest_frequency,
            "new_articles": preferences.new_articles,
            "answers": preferences.answers,
            "replies": preferences.replies,
            "new_messages": preferences.new_messages,
        }
        if preferences
        else None,
        "notifications": [
            {
                "kind": n.kind,
                "message": n.message,
                "url": n.url,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in selectors.notifications_for(member=member)
        ],
    }


def uploaded_files(member) -> list[tuple[str, str]]:
    """(name in the archive, storage name) for every image the member uploaded."""
    files = []
    avatar = Profile.objects.filter(user=member).values_list("avatar", flat=True).first()
    if avatar:
        files.append((f"images/avatar/{posixpath.basename(avatar)}", avatar))
    for part in member_data.parts():
        files += part.files(member)
    return files


def write_archive(member, fileobj) -> None:
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document(member), indent=2, ensure_ascii=False))
        for archive_name, storage_name in uploaded_files(member):
            if not default_storage.exists(storage_name):
                continue
            with default_storage.open(storage_name, "rb") as source, archive.open(archive_name, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)


def token_hash(token: str) -> str:
    """What the database keeps of a download link's token: the token itself is only in the email."""
    return hashlib.sha256(token.encode()).hexdigest()


def archive_store(export_id: int) -> tuple[DataExport, str] | None:
    """Store the archive privately and give it a fresh one-time token. Returns the export and the
    token (only its hash is stored), or None when there is nothing to build."""
    export = DataExport.objects.select_related("member").filter(pk=export_id, ready_at__isnull=True).first()
    if export is None or not export.member.is_active:
        return None
    token = secrets.token_urlsafe(32)
    with tempfile.TemporaryFile() as archive:
        write_archive(export.member, archive)
        archive.seek(0)
        with transaction.atomic():
            export.file.save(f"{secrets.token_hex(16)}.zip", File(archive), save=False)
            now = timezone.now()
            export.token_hash = token_hash(token)
            export.ready_at = now
            export.expires_at = now + timedelta(hours=settings.DATA_EXPORT_LINK_HOURS)
            export.save(update_fields=["file", "token_hash", "ready_at", "expires_at"])
    return export, token
