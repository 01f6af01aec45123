"""Redis unreachable: the site keeps working from the database (config/cache.py)."""

import logging
import socket

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    # A port nobody listens on: every connection is refused, as when Redis is stopped.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }


@pytest.mark.usefixtures("redis_down")
@pytest.mark.parametrize("path", ["/", "/articles/", "/questions/", "/about/"])
def test_visitor_pages_render(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.usefixtures("redis_down")
@pytest.mark.parametrize("path", ["/activities/", "/notifications/", "/settings/email/"])
def test_member_pages_render(member_client, path):
    assert member_client.get(path).status_code == 200


@pytest.mark.usefixtures("redis_down")
def test_a_member_signs_in_and_stays_signed_in_from_the_database(member):
    client = Client()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert Session.objects.filter(pk=client.session.session_key).exists()

    for _ in range(2):
        response = client.get("/notifications/")
        assert response.status_code == 200
        assert member.display_name in response.content.decode()


@pytest.mark.usefixtures("redis_down")
def test_an_outage_is_logged_as_an_error_and_the_page_still_renders(member, caplog):
    client = Client()
    with caplog.at_level(logging.ERROR, logger="config.cache"):
        client.force_login(member)
        response = client.get("/")
    assert response.status_code == 200
    assert any("Redis cache unreachable" in record.getMessage() for record in caplog.records)


@pytest.mark.usefixtures("redis_down")
def test_log_in_limits_still_hold_within_a_process(member):
    # ACCOUNT_RATE_LIMITS allows 5 failures per address in 5 minutes; while Redis is away the
    # count is kept in this process's memory, so the sixth try is refused even with the password.
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": member.email, "password": "wrong password"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("redis_down")
def test_posting_limits_hold_because_they_are_counted_in_the_database(member_client, other_member):
    from community import services

    update = services.update_create(author=other_member, text="Scan results were stable this week.")
    url = f"/activities/{update.pk}/comments/"
    assert member_client.post(url, {"text": "Lovely news."}).status_code == 302
    response = member_client.post(url, {"text": "Really lovely news."})
    assert response.status_code == 400
    assert "You are posting very quickly" in response.content.decode()


@pytest.mark.usefixtures("redis_down")
def test_healthz_stays_200_and_says_the_cache_is_unavailable(client):
    # A load balancer must not take every web server out because Redis is away: they still serve.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unavailable"}
