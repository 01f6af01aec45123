import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Articles carry a picture; keep it out of the project's media folder.
    settings.MEDIA_ROOT = tmp_path / "media"
