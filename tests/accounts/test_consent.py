import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.forms import ProfileForm
from accounts.models import Biomarker, HealthDataConsent, Profile, TreatmentType, Visibility
from articles.models import Treatment
from tests.accounts.test_profile import profile_data
from tests.accounts.test_signup import signup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEALTH_FORM_FIELDS = ("diagnosis", "stage", "biomarkers", "treatments", "medicines", "year_diagnosed")


def test_the_sign_up_form_asks_separately_with_an_unticked_box_and_a_link_to_the_policy(client):
    page = client.get(reverse("account_signup")).content.decode()
    start = page.index('name="health_consent"')
    box = page[page.rindex("<input", 0, start) : page.index(">", start)]
    assert 'type="checkbox"' in box
    assert "checked" not in box and "required" not in box
    assert "may store health information I choose to share (diagnosis, biomarkers and treatments)" in page
    label = page[page.index('for="id_health_consent"') :]
    label = label[: label.index("</label>")]
    assert f'<a href="{reverse("privacy")}">' in label


def test_consent_given_at_sign_up_is_stored_with_the_policy_version_and_time(client, settings):
    settings.HEALTH_CONSENT_POLICY_VERSION = "2026-11-test"
    before = timezone.now()
    response = signup(client, display_name="Ada", email="ada@example.com", health_consent="on")
    assert response.status_code == 302
    consent = HealthDataConsent.objects.get(member__email="ada@example.com")
    assert consent.policy_version == "2026-11-test"
    assert before <= consent.given_at <= timezone.now()
    assert consent.withdrawn_at is None


def test_joining_without_consent_works_and_stores_no_consent(client):
    response = signup(client, display_name="Ben", email="ben@example.com")
    assert response.status_code == 302
    assert not HealthDataConsent.objects.filter(member__email="ben@example.com").exists()


def test_without_consent_the_profile_form_has_no_health_fields_and_ignores_them_if_posted(client):
    member = UserFactory(display_name="Cal", health_consent=False)
    client.force_login(member)
    page = client.get(reverse("profile_edit")).content.decode()
    for name in HEALTH_FORM_FIELDS:
        assert f'name="{name}"' not in page
        assert f'name="{name}_visibility"' not in page
    assert reverse("privacy_settings") in page
    assert 'name="location"' in page and 'name="role"' in page

    medicine = Treatment.objects.first() or None
    data = profile_data(location="Cardiff", medicines=[medicine.pk] if medicine else [])
    response = client.post(reverse("profile_edit"), data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    assert profile.location == "Cardiff"
    assert profile.diagnosis == "" and profile.stage == "" and profile.year_diagnosed is None
    assert not profile.biomarkers.exists() and not profile.treatments.exists() and not profile.medicines.exists()
    assert set(HEALTH_FORM_FIELDS).isdisjoint(ProfileForm(instance=profile, user=member).fields)


def test_consenting_in_settings_opens_the_health_fields(client):
    member = UserFactory(health_consent=False)
    client.force_login(member)
    response = client.post(reverse("health_consent"), {"consent": "give"})
    assert response.status_code == 302
    assert HealthDataConsent.objects.filter(member=member, withdrawn_at=None).count() == 1
    assert 'name="diagnosis"' in client.get(reverse("profile_edit")).content.decode()
    client.post(reverse("profile_edit"), profile_data())
    assert Profile.objects.get(user=member).diagnosis == Profile.Diagnosis.NSCLC


def test_withdrawing_consent_erases_the_health_details_at_once(member_client, member):
    profile = member.profile
    profile.diagnosis, profile.stage, profile.year_diagnosed, profile.location = "nsclc", "4", 2024, "Wales"
    profile.diagnosis_visibility = profile.biomarkers_visibility = Visibility.ONLY_ME
    profile.save()
    profile.biomarkers.set([Biomarker.objects.get(code="EGFR")])
    profile.treatments.set(TreatmentType.objects.all()[:1])
    if Treatment.objects.exists():
        profile.medicines.set(Treatment.objects.all()[:1])

    response = member_client.post(reverse("health_consent"), {"consent": "withdraw"})

    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    assert (profile.diagnosis, profile.stage, profile.year_diagnosed) == ("", "", None)
    assert not profile.biomarkers.exists() and not profile.treatments.exists() and not profile.medicines.exists()
    assert profile.diagnosis_visibility == profile.biomarkers_visibility == Visibility.MEMBERS
    assert profile.location == "Wales"  # not a health detail
    consent = HealthDataConsent.objects.get(member=member)
    assert consent.withdrawn_at is not None
    assert 'name="diagnosis"' not in member_client.get(reverse("profile_edit")).content.decode()


def test_giving_consent_again_after_withdrawing_records_a_new_consent(member_client, member):
    member_client.post(reverse("health_consent"), {"consent": "withdraw"})
    member_client.post(reverse("health_consent"), {"consent": "give"})
    member_client.post(reverse("health_consent"), {"consent": "give"})
    consents = HealthDataConsent.objects.filter(member=member)
    assert consents.count() == 2
    assert consents.filter(withdrawn_at=None).count() == 1


def test_consent_needs_a_signed_in_member_and_a_post(client, member):
    assert client.post(reverse("health_consent"), {"consent": "give"}).status_code == 302
    client.force_login(member)
    assert client.get(reverse("health_consent")).status_code == 405


def test_existing_members_with_health_data_count_as_consented_under_the_old_policy():
    migration = importlib.import_module("accounts.migrations.0009_consent_for_existing_health_data")
    sharing = UserFactory(health_consent=False)
    Profile.objects.filter(user=sharing).update(year_diagnosed=2020)
    with_biomarker = UserFactory(health_consent=False)
    with_biomarker.profile.biomarkers.set([Biomarker.objects.get(code="EGFR")])
    silent = UserFactory(health_consent=False)
    already = UserFactory()
    Profile.objects.filter(user=already).update(diagnosis="sclc")

    migration.record_consent(apps, None)

    assert HealthDataConsent.objects.get(member=sharing).policy_version == "pre-2026-11"
    assert HealthDataConsent.objects.get(member=with_biomarker).policy_version == "pre-2026-11"
    assert not HealthDataConsent.objects.filter(member=silent).exists()
    assert HealthDataConsent.objects.get(member=already).policy_version == "test"
    assert HealthDataConsent.objects.get(member=sharing).given_at > timezone.now() - timedelta(minutes=1)


def test_the_profile_service_refuses_health_details_without_consent(db):
    from django.core.exceptions import PermissionDenied

    from accounts import services

    member = UserFactory(health_consent=False)
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=member, member=member, display_name="Ada", values={"diagnosis": "nsclc"})
    member.profile.refresh_from_db()
    assert member.profile.diagnosis == ""
