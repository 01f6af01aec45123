"""Behind a proxy, limits count each client by its own address, and only when the operator says so."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import NewsletterSubscription

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
TOO_MANY_LOGINS = "Too many failed login attempts"


def through_proxy(client_address: str) -> Client:
    """A browser at client_address whose requests reach us through the TLS proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def fail_logins(client: Client, times: int) -> str:
    for n in range(times):
        response = client.post("/accounts/login/", {"login": f"nobody{n}@example.org", "password": "guess"})
    return response.content.decode()


def settings_in_a_fresh_process(**environment) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER")}
    env.update(environment)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed snippet)
        [sys.executable, "-c", code], cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_operator_says_how_many_proxies_to_trust_and_nothing_is_trusted_by_default():
    assert settings_in_a_fresh_process() == "0 None"
    assert settings_in_a_fresh_process(TRUSTED_PROXY_COUNT="1") == "1 None"
    assert settings_in_a_fresh_process(TRUSTED_CLIENT_IP_HEADER="X-Real-IP") == "0 X-Real-IP"


def test_behind_a_trusted_proxy_one_attacker_does_not_lock_everyone_out(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = through_proxy("203.0.113.9")
    assert TOO_MANY_LOGINS in fail_logins(attacker, 11)

    neighbour = through_proxy("198.51.100.7")
    assert TOO_MANY_LOGINS not in fail_logins(neighbour, 1)


def test_without_trust_a_forged_forwarded_for_header_does_not_escape_the_limit():
    # Each try claims another address, but the operator trusts no proxy, so they all count as one.
    for n in range(11):
        response = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/accounts/login/", {"login": f"nobody{n}@example.org", "password": "guess"}
        )
    assert TOO_MANY_LOGINS in response.content.decode()


def test_a_forwarded_for_header_shorter_than_the_proxy_chain_is_no_error(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = through_proxy("203.0.113.9").post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 200


def subscribe(client: Client, n: int, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("subscribe"), {"name": "Reader", "email": f"reader{n}@example.org"})


def test_subscribe_requests_are_limited_per_client_address(settings, django_capture_on_commit_callbacks):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    sender = through_proxy("203.0.113.9")
    for n in range(10):
        assert subscribe(sender, n, django_capture_on_commit_callbacks).status_code == 302
    assert len(mail.outbox) == 10

    refused = subscribe(sender, 10, django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many subscription requests" in page
    assert 'value="reader10@example.org"' in page  # what they typed is kept
    assert not NewsletterSubscription.objects.filter(email="reader10@example.org").exists()
    assert len(mail.outbox) == 10

    # Someone else behind the same proxy is not held back by it.
    assert subscribe(through_proxy("198.51.100.7"), 11, django_capture_on_commit_callbacks).status_code == 302
