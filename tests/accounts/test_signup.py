import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")

pytestmark = pytest.mark.django_db


def emailed_code() -> str:
    match = CODE.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_joining_needs_only_a_name_and_an_email_then_a_code_verifies_it(client):
    response = client.post(
        reverse("account_signup"),
        {"display_name": "  Nora  ", "email": "Nora@Example.com", "password1": ""},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nora@example.com")
    assert user.display_name == "Nora"
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified
    assert mail.outbox[-1].to == ["nora@example.com"]

    response = client.post(response.url, {"code": emailed_code()}, follow=True)

    assert EmailAddress.objects.get(user=user).verified
    assert response.context["user"] == user


def test_a_wrong_code_is_refused_and_the_address_stays_unverified(client):
    response = client.post(reverse("account_signup"), {"display_name": "Nora", "email": "nora@example.com"})
    response = client.post(response.url, {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not EmailAddress.objects.get(email="nora@example.com").verified


def test_joining_without_a_name_keeps_what_was_typed_and_says_what_is_missing(client):
    response = client.post(reverse("account_signup"), {"display_name": "   ", "email": "kept@example.com"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a name others will see." in page or "This field is required." in page
    assert 'value="kept@example.com"' in page
    assert not User.objects.exists()


def test_an_address_is_unique_whatever_its_case(client):
    UserFactory(email="taken@example.com")
    client.post(reverse("account_signup"), {"display_name": "Copy", "email": "TAKEN@example.com"})
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_the_database_refuses_the_same_address_in_another_case():
    UserFactory(email="case@example.com")
    other = UserFactory(email="other@example.com")
    # .update() skips the model's own lower-casing: the constraint is the last line of defence.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="Case@Example.com")


def test_member_logs_in_with_a_password(client):
    user = UserFactory(email="pw@example.com")
    response = client.post(reverse("account_login"), {"login": "PW@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="pw@example.com")
    response = client.post(reverse("account_login"), {"login": "pw@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_member_without_a_password_logs_in_with_an_emailed_code(client):
    user = User.objects.create_user("codeonly@example.com", None, display_name="Code")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    response = client.post(reverse("account_request_login_code"), {"email": "codeonly@example.com"})
    assert response.status_code == 302
    response = client.post(response.url, {"code": emailed_code()}, follow=True)

    assert response.context["user"] == user


def test_logging_out_ends_the_session(member_client):
    member_client.post(reverse("account_logout"))
    assert not member_client.get(reverse("home")).context["user"].is_authenticated


def test_password_reset_sends_a_link_to_a_known_address(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    assert mail.outbox[-1].to == [member.email]
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_a_member_can_set_a_password_after_joining_without_one(client):
    user = User.objects.create_user("nopw@example.com", None, display_name="NoPw")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    response = client.post(
        reverse("account_set_password"), {"password1": "a-brand-new-pass-987", "password2": "a-brand-new-pass-987"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-pass-987")
