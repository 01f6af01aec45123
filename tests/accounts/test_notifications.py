import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Notification

pytestmark = pytest.mark.django_db


def test_the_bell_counts_unread_notifications(member_client, member):
    services.notification_send(recipient=member, kind="answer", message="Ben answered your question", url="/q/1/")
    services.notification_send(recipient=member, kind="reply", message="Ben replied to you")
    page = member_client.get(reverse("home")).content.decode()
    assert "Notifications <span" in page and ">2<" in page


def test_the_notifications_page_lists_and_marks_them_read(member_client, member, other_member):
    services.notification_send(recipient=member, kind="answer", message="Ben answered your question")
    services.notification_send(recipient=other_member, kind="answer", message="Not for Ada")
    page = member_client.get(reverse("notification_list")).content.decode()
    assert "Ben answered your question" in page
    assert "Not for Ada" not in page

    member_client.post(reverse("notification_list"))

    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other_member, read_at__isnull=True).exists()
    assert "Notifications <span" not in member_client.get(reverse("home")).content.decode()


def test_visitors_have_no_notifications_page(client):
    response = client.get(reverse("notification_list"))
    assert response.status_code == 302
