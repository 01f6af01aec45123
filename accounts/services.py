"""Writes to members' data. Each function checks who is acting and changes data in one transaction."""

import shutil
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import data_export, member_data, selectors, tasks
from accounts.images import reencode_picture
from accounts.models import (
    HEALTH_FIELDS,
    ArticleEmailDelivery,
    DataExport,
    DigestDelivery,
    DigestFrequency,
    EmailPreferences,
    HealthDataConsent,
    NewsletterSubscription,
    Notification,
    NotificationEmail,
    Profile,
    User,
    Visibility,
)
from accounts.permissions import acts_as_moderator

# What a member may change on their own profile page; the health fields need consent too.
PROFILE_FIELDS = (*Profile.PRIVATE_FIELDS, "bio", *(f"{name}_visibility" for name in Profile.PRIVATE_FIELDS))
PRIVACY_FIELDS = (
    *(f"{name}_visibility" for name in Profile.PRIVATE_FIELDS),
    "team_add_policy",
    "message_policy",
    "discoverable",
)


def assign_fields(instance, values: Mapping[str, Any], allowed: tuple[str, ...]) -> list:
    """Put validated values on the instance; returns the many-to-many (field, value) pairs to set
    once it is saved. A name outside `allowed` is a programming error, not a member's."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not a field that can be changed here: {', '.join(sorted(unknown))}")
    many = []
    for name, value in values.items():
        if instance._meta.get_field(name).many_to_many:
            many.append((name, value))
        else:
            setattr(instance, name, value)
    return many


def profile_update(
    *,
    actor: User,
    member: User,
    display_name: str,
    values: Mapping[str, Any],
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Save what the member changed on their profile: `values` maps PROFILE_FIELDS names to
    validated values (lists of rows for the many-to-many ones); a new `avatar` is re-encoded."""
    if actor.pk != member.pk:
        raise PermissionDenied("Members can only change their own profile.")
    if not selectors.has_health_consent(member=member) and set(values) & {
        *HEALTH_FIELDS,
        *(f"{name}_visibility" for name in HEALTH_FIELDS),
    }:
        raise PermissionDenied("Health details need consent to their storage first.")
    with transaction.atomic(durable=True):
        profile = Profile.objects.select_for_update().get(user=member)
        old_avatar = profile.avatar.name
        many = assign_fields(profile, values, PROFILE_FIELDS)
        if avatar is not None:
            encoded = reencode_picture(upload=avatar, max_side=settings.AVATAR_SIZE)
            profile.avatar.save(encoded.name, encoded, save=False)
        elif remove_avatar:
            profile.avatar = ""
        profile.save()
        for name, value in many:
            getattr(profile, name).set(value)
        member.display_name = display_name
        member.save(update_fields=["display_name"])
        new_avatar = profile.avatar.name if profile.avatar else ""
        if old_avatar and old_avatar != new_avatar:
            transaction.on_commit(lambda: default_storage.delete(old_avatar))
    return profile


def notifications_mark_read(*, member: User, notification_ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# Notifications by email


def notification_create(
    *, recipient_id: int, kind: str, message: str, url: str = "", thread_key: str = "", by_email: bool = False
) -> Notification:
    """The one place a notification is written: in the site always, and queued for email on commit."""
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        message=message[:500],
        url=url,
        thread_key=thread_key,
        email_status=NotificationEmail.PENDING if by_email else NotificationEmail.OFF,
    )
    if by_email:
        transaction.on_commit(lambda: tasks.send_notification_emails.enqueue(recipient_id, thread_key))
    return notification


def notify_moderation(*, member: User, message: str, url: str = "", thread_key: str) -> Notification:
    """A moderation notice: in the site and always by email, since it is about the member's own
    content or account (the preference cannot be turned off)."""
    return notification_create(
        recipient_id=member.pk,
        kind=Notification.Kind.MODERATION,
        message=message,
        url=url,
        thread_key=thread_key,
        by_email=True,
    )


# Consent to storing health details


def _erase_health_details(profile: Profile) -> None:
    """Empty every health field and put its visibility back to the default."""
    for name in HEALTH_FIELDS:
        if name in ("biomarkers", "treatments", "medicines"):
            getattr(profile, name).clear()
        elif name == "year_diagnosed":
            profile.year_diagnosed = None
        else:
            setattr(profile, name, "")
        setattr(profile, f"{name}_visibility", Visibility.MEMBERS)
    profile.save()


def health_consent_give(*, member: User) -> HealthDataConsent:
    """Record the member's consent under the current policy version (once: giving it again while
    it stands changes nothing)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=member.pk).first()
        current = HealthDataConsent.objects.filter(member=member, withdrawn_at__isnull=True).first()
        if current is not None:
            return current
        return HealthDataConsent.objects.create(member=member, policy_version=settings.HEALTH_CONSENT_POLICY_VERSION)


def health_consent_withdraw(*, member: User) -> bool:
    """Withdraw consent and erase the member's health details at once. Returns whether consent stood."""
    with transaction.atomic(durable=True):
        withdrawn = HealthDataConsent.objects.filter(member=member, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        profile = Profile.objects.select_for_update().get(user=member)
        _erase_health_details(profile)
    return bool(withdrawn)


def privacy_settings_update(*, actor: User, member: User, values: Mapping[str, Any]) -> Profile:
    if actor.pk != member.pk:
        raise PermissionDenied("Members can only change their own privacy settings.")
    with transaction.atomic(durable=True):
        profile = Profile.objects.select_for_update().get(user=member)
        assign_fields(profile, values, PRIVACY_FIELDS)
        profile.save()
    return profile


# Download my data

EXPORT_REQUEST_INTERVAL = timedelta(minutes=10)


def data_export_request(*, member: User) -> DataExport | None:
    """Start building the member's archive; the link is emailed when it is ready. None when one
    was asked for a few minutes ago (it is on its way)."""
    with transaction.atomic(durable=True):
        User.objects.select_for_update().filter(pk=member.pk).first()
        if selectors.data_export_requested_since(member=member, since=timezone.now() - EXPORT_REQUEST_INTERVAL):
            return None
        export = DataExport.objects.create(member=member)
        export_id = export.pk
        transaction.on_commit(lambda: tasks.build_data_export.enqueue(export_id))
    return export


def _forget_export_file(export: DataExport) -> None:
    name = export.file.name
    export.file = ""
    export.save(update_fields=["file"])
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def data_export_take(*, member: User, token: str):
    """The one download the link allows: the archive as an open temporary file, or a reason
    ("unknown", "used", "expired"). Someone else's link is "unknown" and is not used up."""
    token_hash = data_export.token_hash(token)
    with transaction.atomic(durable=True):
        export = DataExport.objects.select_for_update().filter(member=member, token_hash=token_hash).first()
        if export is None:
            return "unknown"
        if export.downloaded_at is not None:
            return "used"
        if not export.file or export.expires_at is None or export.expires_at <= timezone.now():
            _forget_export_file(export)
            return "expired"
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the FileResponse that sends it)
        with export.file.open("rb") as stored:
            shutil.copyfileobj(stored, copy)
        copy.seek(0)
        export.downloaded_at = timezone.now()
        export.save(update_fields=["downloaded_at"])
        _forget_export_file(export)
    return copy


def data_exports_purge(*, now=None) -> int:
    """Delete the files of exports whose link expired (downloaded ones are deleted at once)."""
    now = now or timezone.now()
    purged = 0
    with transaction.atomic(durable=True):
        for export in DataExport.objects.select_for_update().filter(expires_at__lte=now).exclude(file=""):
            _forget_export_file(export)
            purged += 1
    return purged


# Deleting an account

FORMER_MEMBER_EMAIL = "former-member@kindred.invalid"
FORMER_MEMBER_NAME = "Former member"


def former_member_get_or_create() -> User:
    """The one inactive account that keeps deleted members' answers and comments. It cannot log
    in (no usable password, no email address row) and never appears in member lists or search."""
    user = User.objects.filter(email=FORMER_MEMBER_EMAIL).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User.objects.create_user(FORMER_MEMBER_EMAIL, None, display_name=FORMER_MEMBER_NAME, is_active=False)
    except IntegrityError:  # made by a concurrent deletion
        return User.objects.get(email=FORMER_MEMBER_EMAIL)
    Profile.objects.filter(user=user).update(discoverable=False, team_add_policy="nobody")
    EmailPreferences.objects.filter(user=user).update(
        digest_frequency=DigestFrequency.NEVER, answers=False, replies=False, new_articles=False
    )
    return user


def member_sessions_end(*, member_id: int) -> None:
    """Every session the member is logged in with, from the database and the cache. allauth's
    usersessions records each log-in's session key, so no other member's session is read."""
    for session in UserSession.objects.filter(user_id=member_id):
        session.end()


def account_delete(*, actor: User, member: User, keep_answers_and_comments: bool) -> None:
    """Delete the member's account. Health details go either way; answers and comments are kept
    under "Former member" only when the member chose so. Images leave storage and the
    confirmation email goes after the commit."""
    # A remembered member's account may be deleted by a moderator, at the family's request.
    by_moderator = actor.pk != member.pk and member.is_remembered and acts_as_moderator(actor)
    if actor.pk != member.pk and not by_moderator:
        raise PermissionDenied("Members can only delete their own account.")
    if member.email == FORMER_MEMBER_EMAIL:
        raise PermissionDenied("This account cannot be deleted.")
    keeper = former_member_get_or_create()
    with transaction.atomic(durable=True):
        member = User.objects.select_for_update().get(pk=member.pk)
        email, display_name = member.email, member.display_name
        profile = Profile.objects.select_for_update().get(user=member)
        _erase_health_details(profile)
        files = [
            name
            for part in member_data.parts()
            for name in part.erase(member, keep_answers_and_comments=keep_answers_and_comments, former_member=keeper)
        ]
        if profile.avatar:
            files.append(profile.avatar.name)
        files += [e.file.name for e in DataExport.objects.filter(member=member).exclude(file="")]
        NewsletterSubscription.objects.filter(user=member).delete()
        NewsletterSubscription.objects.filter(email=email.lower()).delete()
        ArticleEmailDelivery.objects.filter(email__iexact=email).delete()
        DigestDelivery.objects.filter(member=member).delete()
        Notification.objects.filter(recipient=member).delete()
        EmailAddress.objects.filter(user=member).delete()
        member_sessions_end(member_id=member.pk)
        member.delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files if name])
        if not member.is_remembered:
            # No email of any kind goes to a remembered member's address, this one included.
            transaction.on_commit(
                lambda: tasks.send_account_deleted_email.enqueue(email, display_name, keep_answers_and_comments)
            )
