import os

import pytest
from django.core.cache import cache
from playwright.sync_api import sync_playwright

from tests.factories import UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (reading the outbox's user, say) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# A closed network: keep Chromium from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache; one test's log-ins must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is Django's to test; ours would spend most of the suite in PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    # Most tests are about other things than a new member's first posts waiting for a moderator;
    # tests/community/test_moderation.py turns pre-moderation back on where it is the subject.
    settings.PREMODERATION_FIRST_POSTS = 0


@pytest.fixture(autouse=True)
def _no_visitor_page_cache(settings):
    # Tests look at a page, change something and look again inside one transaction, where the
    # cache's on-commit invalidation never runs; tests/core/test_page_cache.py turns it back on.
    settings.VISITOR_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def member(db):
    return UserFactory(display_name="Ada")


@pytest.fixture
def other_member(db):
    return UserFactory(display_name="Ben")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# One Chromium for the whole run, shared by tests/browser/ and tests/security/: Playwright's sync
# API allows a single running instance per thread.
@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
