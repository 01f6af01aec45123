import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Hero images written by tests must not land in the project's media folder.
    settings.MEDIA_ROOT = tmp_path / "media"
