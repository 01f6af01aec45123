import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from tests.factories import UserFactory, logged_in

pytestmark = pytest.mark.django_db


def test_a_member_page_reads_the_member_with_the_bell_and_their_verified_address_in_one_statement():
    member = UserFactory()
    client = logged_in(member)
    for n in range(3):
        services.notification_create(recipient_id=member.pk, kind="reply", message=f"Reply {n}")

    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("question_list"))

    assert ">3<" in page.content.decode()
    statements = [q["sql"] for q in context.captured_queries]
    about_the_member = [sql for sql in statements if "accounts_notification" in sql]
    assert len(about_the_member) == 1
    assert "FROM accounts_user" in about_the_member[0] and "account_emailaddress" in about_the_member[0]
    # No second read of the member's own row (the only statements that read passwords).
    assert not [sql for sql in statements if '"accounts_user"."password"' in sql]


def test_the_standing_read_with_the_member_is_what_the_page_shows_after_it_changes():
    member = UserFactory()
    client = logged_in(member)
    assert "Notifications <span" not in client.get(reverse("home")).content.decode()

    services.notification_create(recipient_id=member.pk, kind="answer", message="Ben answered your question")
    assert ">1<" in client.get(reverse("home")).content.decode()

    EmailAddress.objects.filter(user=member).update(verified=False)
    response = client.get(reverse("activity_list"))
    assert response.status_code == 403
    assert "community/verify_needed.html" in [t.name for t in response.templates]


def test_a_deactivated_member_is_signed_out_at_their_next_request():
    member = UserFactory()
    client = logged_in(member)
    assert client.get(reverse("home")).context["user"] == member

    member.is_active = False
    member.save(update_fields=["is_active"])

    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_a_session_of_a_member_who_no_longer_exists_is_a_visitor():
    member = UserFactory()
    client = logged_in(member)
    member.delete()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
