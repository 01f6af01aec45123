import re

import pytest
from django.contrib.staticfiles import finders

from community.models import Question
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_pages_load_nothing_from_another_host(client, member):
    client.force_login(member)
    for path in ["/", "/accounts/signup/", "/profile/edit/", f"/members/{member.pk}/", "/privacy/"]:
        page = client.get(path).content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        external = [s for s in sources if s.startswith(("http://", "https://", "//"))]
        assert external == [], (path, external)


def test_no_inline_style_attributes_that_the_policy_would_block(client):
    for path in ["/", "/accounts/signup/", "/accounts/login/"]:
        assert ' style="' not in client.get(path).content.decode(), path


def test_bootstrap_and_htmx_come_from_installed_packages():
    assert finders.find("vendor/bootstrap/css/bootstrap.min.css")
    assert finders.find("django_htmx/htmx-2.min.js")


def test_the_session_cookie_is_not_readable_by_scripts(client, member):
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_member_pages_are_never_stored_by_any_cache(client, member):
    client.force_login(member)
    for path in ["/", "/profile/edit/", f"/members/{member.pk}/"]:
        cache_control = client.get(path)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, path


def test_every_response_turns_off_powerful_browser_features(client):
    response = client.get("/")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()"):
        assert feature in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/questions/?topic=%00", "/search/?q=a%00b", "/articles/?page=%00"])
def test_a_nul_byte_in_a_query_gets_a_clear_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "did not make sense" in response.content.decode()


def test_a_nul_byte_in_a_form_gets_a_clear_400_and_changes_nothing(client):
    client.force_login(UserFactory())
    response = client.post("/questions/ask/", {"title": "A question with a \x00 byte in it?"})
    assert response.status_code == 400
    assert not Question.objects.exists()
