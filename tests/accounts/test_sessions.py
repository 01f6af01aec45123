import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, logged_in

pytestmark = pytest.mark.django_db


def test_a_member_sees_where_they_are_logged_in_and_can_end_the_other_sessions():
    member = UserFactory()
    phone, laptop = logged_in(member), logged_in(member)
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert page.content.decode().count("<tr") >= 3  # a header row and two sessions

    laptop.post(reverse("usersessions_list"))  # "Sign out other sessions"

    assert not phone.get(reverse("home")).context["user"].is_authenticated
    assert laptop.get(reverse("home")).context["user"].is_authenticated


def test_changing_the_password_ends_every_other_session():
    member = UserFactory()
    phone, laptop = logged_in(member), logged_in(member)
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-and-long-passphrase-42",
            "password2": "a-new-and-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("home")).context["user"].is_authenticated
    assert not phone.get(reverse("home")).context["user"].is_authenticated
