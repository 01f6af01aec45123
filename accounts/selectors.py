"""Reads of members' data, filtered to what the viewer may see."""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import (
    STANDING_COLUMNS,
    DataExport,
    HealthDataConsent,
    MemberStanding,
    Notification,
    Profile,
    User,
    Visibility,
)
from accounts.permissions import can_read_community

# Member counts on the home page and the hubs scan every member and move slowly: each is shared by
# all requests for a few minutes.
COUNT_CACHE_SECONDS = 300


def _shared_count(key: str, queryset: QuerySet) -> int:
    return cache.get_or_set(f"member-count:{key}", queryset.count, COUNT_CACHE_SECONDS)


def signed_in_member(*, member_id: int) -> User | None:
    """The member a session belongs to, read on every request of theirs, with their standing (see
    User.standing) in the same statement: every page a member sees shows the bell, so the ORM's two
    statements would be paid on every request."""
    table = User._meta.db_table
    rows = User.objects.raw(f"SELECT u.*, {STANDING_COLUMNS} FROM {table} u WHERE u.id = %s", [member_id])  # noqa: S608
    member = next(iter(rows), None)
    if member is not None:
        member.standing = MemberStanding(
            has_verified_email=bool(member.has_verified_email), unread_notifications=member.unread_notifications
        )
    return member


def member_count() -> int:
    return _shared_count("all", User.objects.filter(is_active=True))


def biomarker_member_count(*, biomarker) -> int:
    return _shared_count(f"biomarker:{biomarker.pk}", members_sharing_biomarker(biomarker=biomarker))


def treatment_member_count(*, treatment) -> int:
    return _shared_count(f"treatment:{treatment.pk}", members_taking(treatment=treatment))


@dataclass(frozen=True)
class ProfileFact:
    label: str
    value: str
    only_me: bool


def profile_for_viewer(*, viewer, member_id: int) -> Profile:
    """A member's profile, for verified members only: visitors never see profiles."""
    if not can_read_community(viewer):
        raise PermissionDenied("Profiles are visible to members only.")
    return get_object_or_404(
        Profile.objects.select_related("user").prefetch_related("biomarkers", "treatments", "medicines"),
        user_id=member_id,
        user__is_active=True,
    )


def profile_facts(*, viewer, profile: Profile) -> list[ProfileFact]:
    """The profile's fields that this viewer may see, in display order.

    The owner sees every field, with those kept private marked; other members see only
    the fields left visible to members.
    """
    if profile.user.is_remembered:
        # A remembered member's health details are not shown to anyone.
        return []
    is_owner = viewer.pk == profile.user_id
    facts = []
    for name in Profile.PRIVATE_FIELDS:
        only_me = getattr(profile, f"{name}_visibility") == Visibility.ONLY_ME
        if only_me and not is_owner:
            continue
        value = _field_display(profile, name)
        if value:
            facts.append(ProfileFact(_LABELS[name], value, only_me))
    return facts


_LABELS = {
    "role": "Here as",
    "diagnosis": "Diagnosis",
    "stage": "Stage",
    "biomarkers": "Biomarkers",
    "treatments": "Treatments",
    "medicines": "Medicines",
    "year_diagnosed": "Diagnosed in",
    "location": "Lives in",
}


def _field_display(profile: Profile, name: str) -> str:
    if name in ("biomarkers", "treatments"):
        return ", ".join(item.name for item in getattr(profile, name).all())
    if name == "medicines":
        return ", ".join(str(medicine) for medicine in profile.medicines.all())
    if name in ("role", "diagnosis", "stage"):
        return getattr(profile, f"get_{name}_display")() if getattr(profile, name) else ""
    value = getattr(profile, name)
    return "" if value in (None, "") else str(value)


def members_sharing_biomarker(*, biomarker) -> QuerySet[User]:
    """Active members who list this biomarker and left their biomarkers visible to members."""
    return (
        User.objects.filter(
            is_active=True,
            remembered_at=None,
            profile__biomarkers=biomarker,
            profile__biomarkers_visibility=Visibility.MEMBERS,
        )
        .distinct()
        .order_by("display_name", "pk")
    )


def members_taking(*, treatment) -> QuerySet[User]:
    """Active members who list this medicine and left their medicines visible to members."""
    return (
        User.objects.filter(
            is_active=True,
            remembered_at=None,
            profile__medicines=treatment,
            profile__medicines_visibility=Visibility.MEMBERS,
        )
        .select_related("profile")
        .distinct()
        .order_by("display_name", "pk")
    )


def notifications_for(*, member) -> QuerySet:
    return Notification.objects.filter(recipient=member)


# Consent and data exports


def active_health_consent(*, member) -> HealthDataConsent | None:
    """The member's current consent to storing health details, or None."""
    return HealthDataConsent.objects.filter(member=member, withdrawn_at__isnull=True).first()


def has_health_consent(*, member) -> bool:
    return HealthDataConsent.objects.filter(member=member, withdrawn_at__isnull=True).exists()


def health_consents_of(*, member) -> QuerySet:
    """Every consent the member gave or withdrew, newest first (for their data export)."""
    return HealthDataConsent.objects.filter(member=member)


def data_export_requested_since(*, member, since) -> bool:
    return DataExport.objects.filter(member=member, requested_at__gte=since).exists()
