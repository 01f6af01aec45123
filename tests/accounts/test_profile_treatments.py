import pytest
from django.urls import reverse

from accounts.forms import VISIBILITY_LABELS, ProfileForm
from accounts.models import Profile
from articles.models import Treatment
from tests.accounts.test_profile import profile_data

pytestmark = pytest.mark.django_db


def medicine_ids(*slugs):
    return [pk for pk in Treatment.objects.filter(slug__in=slugs).values_list("pk", flat=True)]


def test_medicines_is_a_private_field_with_its_own_visibility():
    assert "medicines" in Profile.PRIVATE_FIELDS
    assert "medicines" in VISIBILITY_LABELS
    assert Profile._meta.get_field("medicines_visibility").default == "members"


def test_the_form_offers_the_whole_catalogue_by_name_with_brands(member):
    form = ProfileForm(instance=member.profile, user=member)
    labels = [label for _, label in form.fields["medicines"].choices]
    assert "osimertinib (Tagrisso)" in labels
    assert labels == sorted(labels)
    assert len(labels) == Treatment.objects.count()


def test_the_edit_page_shows_the_checklist_in_the_biomarkers_and_treatments_fieldset(member_client):
    page = member_client.get(reverse("profile_edit")).content.decode()
    fieldset = page.split("<legend>Biomarkers and treatments</legend>")[1].split("Save profile")[0]
    assert "osimertinib (Tagrisso)" in fieldset and "Who can see your medicines" in fieldset


def test_a_member_saves_medicines_and_other_members_see_them(client, member, other_member):
    client.force_login(member)
    response = client.post(reverse("profile_edit"), profile_data(medicines=medicine_ids("osimertinib", "amivantamab")))
    assert response.status_code == 302
    assert set(member.profile.medicines.values_list("slug", flat=True)) == {"osimertinib", "amivantamab"}

    client.force_login(other_member)
    page = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "Medicines" in page and "osimertinib (Tagrisso)" in page and "amivantamab (Rybrevant)" in page


def test_medicines_kept_to_myself_are_hidden_from_other_members_but_not_from_me(client, member, other_member):
    client.force_login(member)
    client.post(
        reverse("profile_edit"),
        profile_data(medicines=medicine_ids("lorlatinib"), medicines_visibility="only_me"),
    )
    own = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "lorlatinib (Lorbrena, Lorviqua)" in own and 'badge-private">Only you' in own

    client.force_login(other_member)
    other_view = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "lorlatinib" not in other_view
    # The other fields stay visible: only this one was hidden.
    assert "Non-small cell lung cancer" in other_view


def test_an_unknown_medicine_is_refused(member_client, member):
    response = member_client.post(reverse("profile_edit"), profile_data(medicines=["999999"]))
    assert response.status_code == 200
    assert not member.profile.medicines.exists()


def test_an_invalid_visibility_is_refused(member_client, member):
    response = member_client.post(reverse("profile_edit"), profile_data(medicines_visibility="everyone"))
    assert response.status_code == 200
    member.profile.refresh_from_db()
    assert member.profile.medicines_visibility == "members"
