import pytest

from tests.community.factories import UnverifiedUserFactory
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _community_settings(settings, tmp_path):
    # Pictures written by tests stay out of the project's media folder; most tests post once
    # and must not trip the posting interval (tests of the limit set it back).
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POSTING_MIN_INTERVAL_SECONDS = 0


@pytest.fixture
def unverified(db):
    return UnverifiedUserFactory(display_name="Uma")


@pytest.fixture
def third_member(db):
    return UserFactory(display_name="Cara")
