import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Profile, TeamAddPolicy, Visibility
from community import selectors, services
from community.models import TeamMembership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def settings_data(**overrides):
    data = {
        **{f"{name}_visibility": "members" for name in Profile.PRIVATE_FIELDS},
        "team_add_policy": "everyone",
        "message_policy": "members",
        "discoverable": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_privacy_page_is_for_members_and_links_email_settings_and_your_data(client, member):
    assert client.get(reverse("privacy_settings")).status_code == 302
    client.force_login(member)
    page = client.get(reverse("privacy_settings")).content.decode()
    assert reverse("email_preferences") in page
    assert reverse("your-data") in page
    assert reverse("data_export_request") in page and reverse("account_delete") in page
    assert 'name="diagnosis_visibility"' in page
    assert reverse("privacy_settings") in client.get(reverse("profile_edit")).content.decode()


def test_members_change_visibility_team_and_search_settings(member_client, member):
    response = member_client.post(
        reverse("privacy_settings"),
        settings_data(diagnosis_visibility="only_me", team_add_policy="nobody", discoverable=None),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    assert profile.diagnosis_visibility == Visibility.ONLY_ME
    assert profile.team_add_policy == TeamAddPolicy.NOBODY
    assert profile.discoverable is False


def test_an_unknown_choice_is_refused_and_nothing_changes(member_client, member):
    response = member_client.post(reverse("privacy_settings"), settings_data(team_add_policy="friends"))
    assert response.status_code == 200
    assert Profile.objects.get(user=member).team_add_policy == TeamAddPolicy.EVERYONE


def test_without_consent_the_page_offers_consent_and_has_no_health_visibility(client):
    member = UserFactory(health_consent=False)
    client.force_login(member)
    page = client.get(reverse("privacy_settings")).content.decode()
    assert 'name="consent" value="give"' in page
    assert 'name="diagnosis_visibility"' not in page and 'name="location_visibility"' in page


def test_nobody_can_add_a_member_who_said_nobody(member, other_member):
    Profile.objects.filter(user=other_member).update(team_add_policy=TeamAddPolicy.NOBODY)
    other_member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.team_add(member=member, teammate=other_member)
    assert not TeamMembership.objects.exists()
    # The other way round is still open.
    services.team_add(member=other_member, teammate=member)
    assert TeamMembership.objects.filter(member=other_member, teammate=member).exists()


def test_a_member_who_hides_from_search_is_absent_from_member_search_and_members_like_you(member, other_member):
    for person in (member, other_member):
        Profile.objects.filter(user=person).update(diagnosis="nsclc", location="Leeds")
        person.refresh_from_db()
    assert other_member in selectors.find_members(viewer=member, diagnosis="nsclc")
    assert other_member in selectors.members_like_viewer(viewer=member)

    Profile.objects.filter(user=other_member).update(discoverable=False)

    assert other_member not in selectors.find_members(viewer=member)
    assert other_member not in selectors.find_members(viewer=member, diagnosis="nsclc", location="Leeds")
    assert other_member not in selectors.members_like_viewer(viewer=member)


def test_your_data_page_is_public_and_linked_from_every_page(client):
    page = client.get(reverse("your-data")).content.decode()
    assert "advertisers" in page and "data brokers" in page and "trackers" in page
    assert reverse("privacy_settings") in page
    assert f'href="{reverse("your-data")}"' in client.get(reverse("about")).content.decode()


def test_members_choose_who_can_message_them(member_client, member):
    response = member_client.post(reverse("privacy_settings"), settings_data(message_policy="team"))
    assert response.status_code == 302
    assert Profile.objects.get(user=member).message_policy == "team"
    response = member_client.post(reverse("privacy_settings"), settings_data(message_policy="strangers"))
    assert response.status_code == 200
    assert Profile.objects.get(user=member).message_policy == "team"
