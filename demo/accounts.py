"""Demo members for `seed_demo`. Idempotent: members are looked up by email before creation."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import (
    EDITORS_GROUP,
    MODERATORS_GROUP,
    Biomarker,
    HealthDataConsent,
    Profile,
    TreatmentType,
    User,
)
from articles import selectors as article_selectors

DEMO_PASSWORD = "kindred-demo-2026"

# (email, display name, role, diagnosis, stage, year, biomarkers, treatments, location, bio, private fields)
MEMBERS = [
    (
        "maria@example.com",
        "Maria",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_4,
        2023,
        ["EGFR"],
        ["targeted-therapy", "radiation"],
        "North West England",
        "Diagnosed at 52 after a cough that would not go away. Two years on a daily tablet and still gardening.",
        [],
    ),
    (
        "tom@example.com",
        "Tom",
        Profile.Role.CAREGIVER,
        Profile.Diagnosis.SCLC,
        Profile.Stage.EXTENSIVE,
        2025,
        [],
        ["chemotherapy", "immunotherapy"],
        "Ohio",
        "My wife was diagnosed last spring. I am learning to cook, keep track of appointments and ask for help.",
        ["stage"],
    ),
    (
        "aiko@example.com",
        "Aiko",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_3,
        2024,
        ["ALK"],
        ["targeted-therapy", "clinical-trial"],
        "Ontario",
        "Never smoked, diagnosed at 38. Happy to talk about trials and about working through treatment.",
        ["location", "year_diagnosed"],
    ),
    (
        "samuel@example.com",
        "Samuel",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_1,
        2022,
        ["none_unknown"],
        ["surgery"],
        "Queensland",
        "Lobectomy three years ago. Scans every six months. Here to give back what others gave me.",
        [],
    ),
    (
        "grace@example.com",
        "Grace",
        Profile.Role.FRIEND,
        "",
        "",
        None,
        [],
        [],
        "Dublin",
        "My best friend has mesothelioma. I want to understand what she is going through.",
        [],
    ),
    (
        "priya@example.com",
        "Priya",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_4,
        2025,
        ["ROS1"],
        ["targeted-therapy"],
        "Greater London",
        "ROS1-positive, found after a scan for something else entirely. Project manager, early riser, tea drinker.",
        ["year_diagnosed"],
    ),
    (
        "james@example.com",
        "James",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_3,
        2025,
        ["KRAS"],
        ["chemotherapy", "radiation", "immunotherapy"],
        "Scotland",
        "Dad of two teenagers. Chemoradiation done, immunotherapy going. I ask a lot of questions.",
        [],
    ),
    (
        "elena@example.com",
        "Elena",
        Profile.Role.CAREGIVER,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_4,
        2024,
        ["MET"],
        ["targeted-therapy"],
        "Catalonia",
        "Looking after my father, who is 78 and stubborn in the best way. We take it one week at a time.",
        [],
    ),
    (
        "david@example.com",
        "David",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_4,
        2023,
        ["RET"],
        ["chemotherapy", "targeted-therapy"],
        "Texas",
        "Retired science teacher. Walking, birdwatching, and keeping a very detailed notebook of my blood pressure.",
        ["location"],
    ),
    (
        "nomvula@example.com",
        "Nomvula",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.SCLC,
        Profile.Stage.LIMITED,
        2025,
        [],
        ["chemotherapy", "radiation"],
        "Gauteng",
        "Just finished treatment and still finding my feet. I read more than I post.",
        ["stage", "treatments"],
    ),
    (
        "lin@example.com",
        "Lin",
        Profile.Role.CAREGIVER,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_4,
        2025,
        ["EGFR"],
        ["targeted-therapy", "chemotherapy"],
        "British Columbia",
        "Eldest of three, organising Mum's care with my brothers. Good with spreadsheets, still learning the rest.",
        ["biomarkers"],
    ),
    (
        "fatima@example.com",
        "Fatima",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.NSCLC,
        Profile.Stage.STAGE_2,
        2025,
        ["none_unknown"],
        ["surgery", "chemotherapy"],
        "West Midlands",
        "Mum of three, never smoked. Recovering from surgery and starting the next part.",
        ["location", "year_diagnosed"],
    ),
    (
        "peter@example.com",
        "Peter",
        Profile.Role.LIVING_WITH,
        Profile.Diagnosis.MESOTHELIOMA,
        Profile.Stage.NOT_SURE,
        2025,
        [],
        ["immunotherapy"],
        "New South Wales",
        "Former builder. Not one for forums, but my daughter set this up and it has been good to read.",
        [],
    ),
]

STAFF = [
    ("moderator@example.com", "Rosa (moderator)", MODERATORS_GROUP, False),
    ("editor@example.com", "Daniel (editor)", EDITORS_GROUP, False),
    ("admin@example.com", "Kindred admin", None, True),
]


def _member(email: str, display_name: str, *, is_staff: bool = False, is_superuser: bool = False) -> tuple[User, bool]:
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user, False
    user = User.objects.create_user(
        email,
        DEMO_PASSWORD,
        display_name=display_name,
        is_staff=is_staff,
        is_superuser=is_superuser,
        # Demo members are established: their posts go live without waiting for a moderator.
        premoderation_cleared_at=timezone.now(),
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True


# Medicines from the treatment catalogue (slugs), matching each member's biomarker.
MEDICINES = {
    "maria@example.com": ["osimertinib"],
    "aiko@example.com": ["alectinib", "lorlatinib"],
    "priya@example.com": ["entrectinib"],
    "james@example.com": ["sotorasib"],
    "elena@example.com": ["capmatinib"],
    "david@example.com": ["selpercatinib"],
    "lin@example.com": ["osimertinib", "gefitinib"],
}


def _seed_medicines() -> None:
    # Also for members made before the catalogue existed: only a profile with no medicines is filled.
    for email, slugs in MEDICINES.items():
        profile = Profile.objects.filter(user__email=email).first()
        if profile is not None and not profile.medicines.exists():
            profile.medicines.set(article_selectors.treatments().filter(slug__in=slugs))


def seed() -> list[str]:
    created = []
    for email, name, role, diagnosis, stage, year, biomarkers, treatments, location, bio, private in MEMBERS:
        user, is_new = _member(email, name)
        if not is_new:
            continue
        # Demo members agreed to storing their health details, so their profiles show them.
        HealthDataConsent.objects.get_or_create(
            member=user, withdrawn_at=None, defaults={"policy_version": settings.HEALTH_CONSENT_POLICY_VERSION}
        )
        profile = user.profile
        profile.role, profile.diagnosis, profile.stage, profile.year_diagnosed = role, diagnosis, stage, year
        profile.location, profile.bio = location, bio
        for field in private:
            setattr(profile, f"{field}_visibility", "only_me")
        profile.save()
        profile.biomarkers.set(Biomarker.objects.filter(code__in=biomarkers))
        profile.treatments.set(TreatmentType.objects.filter(code__in=treatments))
        created.append(email)
    for email, name, group, is_superuser in STAFF:
        user, is_new = _member(email, name, is_staff=is_superuser, is_superuser=is_superuser)
        if is_new and group:
            user.groups.add(Group.objects.get(name=group))
        if is_new:
            created.append(email)
    _seed_medicines()
    return created
