import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Notification

pytestmark = pytest.mark.django_db


def test_the_bell_counts_unread_notifications(member_client, member):
    services.notification_create(
        recipient_id=member.pk, kind="answer", message="Ben answered your question", url="/q/1/"
    )
    services.notification_create(recipient_id=member.pk, kind="reply", message="Ben replied to you")
    page = member_client.get(reverse("home")).content.decode()
    assert "Notifications <span" in page and ">2<" in page


def test_the_notifications_page_lists_and_marks_them_read(member_client, member, other_member):
    services.notification_create(recipient_id=member.pk, kind="answer", message="Ben answered your question")
    services.notification_create(recipient_id=other_member.pk, kind="answer", message="Not for Ada")
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


def test_a_long_list_of_notifications_pages_newest_first_without_counting_them_all(
    member_client, member, django_assert_num_queries
):
    for n in range(35):
        services.notification_create(recipient_id=member.pk, kind="reply", message=f"Reply number {n:02d}")
    first = member_client.get(reverse("notification_list")).content.decode()
    assert "Reply number 34" in first and "Reply number 05" in first and "Reply number 04" not in first
    assert first.index("Reply number 34") < first.index("Reply number 33")
    assert "Next page" in first and "Previous page" not in first
    second = member_client.get(reverse("notification_list") + "?page=2").content.decode()
    assert "Reply number 04" in second and "Reply number 00" in second and "Reply number 05" not in second
    assert "Next page" not in second and "Previous page" in second
    # The member with the bell's unread count, and the page of notifications: the busiest member of
    # the scale data has 12,628 notifications, and nobody needs them counted.
    with django_assert_num_queries(2) as captured:
        assert member_client.get(reverse("notification_list") + "?page=nonsense").status_code == 200
    assert not any('COUNT(*) AS "__count"' in query["sql"] for query in captured)
