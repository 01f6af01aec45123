"""Every POST endpoint refuses a request without a CSRF token, except RFC 8058 one-click unsubscribe
and the "new articles by email" form, which act for nobody signed in (accounts.views)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.mail import tokens
from community.models import Update
from tests.security.test_access import snapshot

pytestmark = pytest.mark.django_db

# Sample arguments for URL patterns that take them.
SAMPLE_ARGS = {
    "member_id": 1, "update_id": 1, "comment_id": 1, "question_id": 1, "answer_id": 1, "review_id": 1,
    "appeal_id": 1, "action_id": 1, "object_id": 1, "kind": "update", "slug": "some-slug", "token": "x",
    "path": "updates/x.png", "contributor_id": 1, "conversation_id": 1, "message_id": 1, "nct_id": "NCT00000001",
}  # fmt: skip
NOT_POST = {"healthz", "media", "article_feed", "django.contrib.sitemaps.views.sitemap"}


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry.name, route


def post_urls() -> list[str]:
    urls = []
    for name, route in _routes():
        if name in NOT_POST:
            continue
        url = "/" + route
        for key, value in SAMPLE_ARGS.items():
            for converter in ("int", "slug", "str", "path"):
                url = url.replace(f"<{converter}:{key}>", str(value))
        url = re.sub(r"\(\?P<\w+>[^)]*\)", "x1", url)
        assert "<" not in url, url
        urls.append(url.replace("^", "").replace("$", ""))
    return urls


def test_every_post_endpoint_refuses_a_request_without_a_token(member):
    from tests.community.factories import UpdateFactory

    UpdateFactory(author=member)
    urls = post_urls()
    assert len(urls) > 40
    for logged_in in (True, False):
        client = Client(enforce_csrf_checks=True)
        if logged_in:
            client.force_login(member)
        before = snapshot()
        for url in urls:
            if url.startswith(("/unsubscribe/", "/subscribe/")):
                continue
            response = client.post(url, {"text": "hello", "email": "new@example.com", "action": "approve"})
            assert response.status_code in (403, 405), (url, logged_in, response.status_code)
            assert snapshot() == before, url
    assert Update.objects.count() == 1


def test_one_click_unsubscribe_accepts_a_post_without_a_token(member):
    client = Client(enforce_csrf_checks=True)
    token = tokens.member_unsubscribe_token(member, tokens.LIST_DIGEST)
    response = client.post(f"/unsubscribe/{token}/")
    assert response.status_code == 200


def test_the_subscribe_form_needs_no_token_and_acts_for_nobody(member, django_capture_on_commit_callbacks):
    from accounts.models import NewsletterSubscription

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/subscribe/", {"name": "Lena", "email": "lena@example.com"})
    assert response.status_code == 302
    subscription = NewsletterSubscription.objects.get(email="lena@example.com")
    # Signed in or not, the post only asks for a confirmation email to the address given.
    assert subscription.confirmed_at is None
    assert subscription.user is None
