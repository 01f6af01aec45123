import pytest
from django.urls import reverse

from accounts.models import DigestFrequency, EmailPreferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_visitors_are_sent_to_log_in(client):
    assert client.get(reverse("email_preferences")).status_code == 302


def test_every_member_starts_with_a_weekly_digest_and_notifications_on(member):
    preferences = EmailPreferences.objects.get(user=member)
    assert preferences.digest_frequency == DigestFrequency.WEEKLY
    assert preferences.answers and preferences.replies
    assert not preferences.new_articles


def test_a_member_changes_their_preferences(member_client, member):
    page = member_client.get(reverse("email_preferences")).content.decode()
    assert "Moderation notices" in page and "disabled" in page

    response = member_client.post(
        reverse("email_preferences"), {"digest_frequency": "daily", "new_articles": "on", "replies": "on"}
    )

    assert response.status_code == 302
    preferences = EmailPreferences.objects.get(user=member)
    assert preferences.digest_frequency == "daily"
    assert preferences.new_articles and preferences.replies and not preferences.answers


def test_an_unknown_frequency_is_refused(member_client, member):
    response = member_client.post(reverse("email_preferences"), {"digest_frequency": "hourly"})
    assert response.status_code == 200
    assert EmailPreferences.objects.get(user=member).digest_frequency == "weekly"


def test_preferences_are_made_for_a_member_who_has_none(member_client, member):
    EmailPreferences.objects.filter(user=member).delete()
    assert member_client.get(reverse("email_preferences")).status_code == 200
    assert EmailPreferences.objects.filter(user=member).exists()


def test_only_your_own_preferences(member_client, member):
    other = UserFactory()
    member_client.post(reverse("email_preferences"), {"digest_frequency": "never"})
    assert EmailPreferences.objects.get(user=other).digest_frequency == "weekly"


def test_linked_from_the_profile_and_the_notifications_page(member_client):
    url = reverse("email_preferences")
    assert url in member_client.get(reverse("profile_edit")).content.decode()
    assert url in member_client.get(reverse("notification_list")).content.decode()
