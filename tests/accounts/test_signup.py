import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.forms import SIGNUP_STARTED_SALT
from accounts.models import User
from tests.factories import PASSWORD, UserFactory

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")

pytestmark = pytest.mark.django_db


def signup(client, seconds_taken: float = 30, **fields):
    """Post the sign-up form as a person would: shown `seconds_taken` seconds ago."""
    started = signing.dumps(time.time() - seconds_taken, salt=SIGNUP_STARTED_SALT)
    return client.post(reverse("account_signup"), {"started": started, **fields})


def emailed_code() -> str:
    match = CODE.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_joining_needs_only_a_name_and_an_email_then_a_code_verifies_it(client):
    response = signup(client, display_name="  Nora  ", email="Nora@Example.com", password1="")
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
    response = signup(client, display_name="Nora", email="nora@example.com")
    response = client.post(response.url, {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not EmailAddress.objects.get(email="nora@example.com").verified


def test_joining_without_a_name_keeps_what_was_typed_and_says_what_is_missing(client):
    response = signup(client, display_name="   ", email="kept@example.com")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a name others will see." in page or "This field is required." in page
    assert 'value="kept@example.com"' in page
    assert not User.objects.exists()


def test_an_address_is_unique_whatever_its_case(client):
    UserFactory(email="taken@example.com")
    signup(client, display_name="Copy", email="TAKEN@example.com")
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


def test_a_form_sent_back_too_fast_gets_the_usual_answer_and_no_account(client):
    response = signup(client, seconds_taken=0.5, display_name="Bot", email="bot@example.com")
    assert response.status_code == 302  # the same "check your email" redirect a person gets
    assert not User.objects.filter(email="bot@example.com").exists()
    assert mail.outbox == []


def test_a_form_without_its_signed_start_time_is_treated_as_a_bot(client):
    client.post(reverse("account_signup"), {"display_name": "Bot", "email": "bot@example.com", "started": "forged"})
    assert not User.objects.filter(email="bot@example.com").exists()


def test_the_honeypot_gets_the_usual_answer_and_no_account(client):
    response = signup(client, display_name="Bot", email="bot@example.com", website="http://spam.example")
    assert response.status_code == 302
    assert not User.objects.filter(email="bot@example.com").exists()


def test_a_banned_member_is_told_so_and_not_logged_in(client):
    from django.utils import timezone

    user = UserFactory(email="banned@example.com", banned_at=timezone.now(), ban_reason="Selling supplements")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This account is closed" in page and "Selling supplements" in page
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_a_member_banned_while_logged_in_is_logged_out(client, member):
    from django.utils import timezone

    client.force_login(member)
    member.banned_at = timezone.now()
    member.save()
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert not client.get(reverse("home")).context["user"].is_authenticated
