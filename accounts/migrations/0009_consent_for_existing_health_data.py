"""Members who joined before health-data consent existed.

Choice: a member who had already shared health details (any of diagnosis, stage, biomarkers,
treatments, medicines, year diagnosed) chose to give them to Kindred under the policy of the time,
so they are recorded as having consented under version "pre-2026-11" and their profiles keep
showing what they chose. Members who shared nothing get no consent record: the health fields stay
hidden from their profile form until they consent in /settings/privacy/. Anyone can withdraw there,
which erases the details at once.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

PRE_CONSENT_VERSION = "pre-2026-11"


def record_consent(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    HealthDataConsent = apps.get_model("accounts", "HealthDataConsent")
    has_health_data = (
        ~Q(diagnosis="")
        | ~Q(stage="")
        | Q(year_diagnosed__isnull=False)
        | Q(biomarkers__isnull=False)
        | Q(treatments__isnull=False)
        | Q(medicines__isnull=False)
    )
    user_ids = set(Profile.objects.filter(has_health_data).values_list("user_id", flat=True))
    already = set(
        HealthDataConsent.objects.filter(withdrawn_at__isnull=True, member_id__in=user_ids).values_list(
            "member_id", flat=True
        )
    )
    now = timezone.now()
    HealthDataConsent.objects.bulk_create(
        HealthDataConsent(member_id=user_id, policy_version=PRE_CONSENT_VERSION, given_at=now)
        for user_id in sorted(user_ids - already)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_privacy_consent_exports")]

    operations = [migrations.RunPython(record_consent, migrations.RunPython.noop)]
