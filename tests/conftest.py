import pytest
from django.core.cache import cache

from tests.factories import UserFactory


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
