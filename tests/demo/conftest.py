import pytest


@pytest.fixture(autouse=True)
def _settings_of_the_apps_seeded(settings, tmp_path):
    # What tests/articles/ and tests/community/ set for every test, where these tests lived before:
    # pictures the seeds write stay out of the project's media folder, and no posting interval applies.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
