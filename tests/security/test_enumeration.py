"""Sign-up, password reset and subscribe say the same thing whether or not the address is known."""

import re

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

VARYING = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r'nonce="[^"]+"'),
    re.compile(r'name="signup_started" value="[^"]+"'),
    re.compile(r'value="[^"]*@example\.com"'),
    re.compile(r"[\w.+-]+@example\.com"),
]


def _normalised(response) -> str:
    text = response.content.decode()
    for pattern in VARYING:
        text = pattern.sub("", text)
    return text


def _answer(response):
    return response.status_code, response.get("Location"), _normalised(response)


def _post(path, data, follow=False):
    client = Client()
    client.get(path)
    return client.post(path, data, follow=False)


@pytest.fixture(autouse=True)
def _quick_signup(settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(member):
    known = _post("/accounts/password/reset/", {"email": member.email})
    unknown = _post("/accounts/password/reset/", {"email": "nobody-here@example.com"})
    assert _answer(known)[:2] == _answer(unknown)[:2]
    assert _answer(known) == _answer(unknown)


def test_sign_up_answers_the_same_for_known_and_unknown_addresses(member):
    data = {"display_name": "Cara", "password1": PASSWORD, "password2": PASSWORD, "terms": "on", "agree": "on"}
    known = _post("/accounts/signup/", {**data, "email": member.email})
    unknown = _post("/accounts/signup/", {**data, "email": "brand-new@example.com"})
    assert _answer(known)[:2] == _answer(unknown)[:2]
    if known.status_code == 302:
        assert Client().get(known["Location"]).status_code == Client().get(unknown["Location"]).status_code


def test_subscribe_answers_the_same_for_known_unknown_and_member_addresses(member):
    from accounts.mail import subscriptions

    subscriptions.subscription_request(name="Dee", email="already@example.com")
    answers = [
        _answer(_post("/subscribe/", {"name": "Dee", "email": email}))
        for email in ("already@example.com", member.email, "never-seen@example.com")
    ]
    assert answers[0] == answers[1] == answers[2]
