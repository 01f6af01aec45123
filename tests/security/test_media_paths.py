"""Members' pictures reach members only, however the path to them is spelled."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PICTURE = "updates/a-members-picture.webp"
PUBLIC_PREFIXES = ("articles/", "articles/heroes/", "contributors/")


def spellings(prefix: str) -> list[str]:
    """Ways of writing a path that starts with a public folder but names a member's picture."""
    ups = "../" * prefix.count("/")
    encoded = "%2e%2e/" * prefix.count("/")
    return [
        f"{prefix}{ups}{PICTURE}",
        f"{prefix}{encoded}{PICTURE}",
        f"{prefix}./{ups}{PICTURE}",
        f"{prefix}/{ups}{PICTURE}",
        f"{prefix}{ups}/{PICTURE}",
        f"{prefix}{ups.replace('/', '%2f')}{PICTURE}",
        f"{prefix}{ups.replace('/', chr(92))}{PICTURE.replace('/', chr(92))}",
        f"{prefix}{ups.replace('/', '%5c')}{PICTURE}",
        f"./{PICTURE}",
        f"/{PICTURE}",
        f"{PICTURE.replace('/', '//')}",
    ]


@pytest.fixture
def stored_picture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "updates").mkdir()
    (tmp_path / PICTURE).write_bytes(b"RIFF....WEBP a member's photo")
    (tmp_path / "articles" / "heroes").mkdir(parents=True)
    (tmp_path / "articles" / "heroes" / "lungs.webp").write_bytes(b"RIFF....WEBP a public picture")
    return tmp_path


@pytest.mark.parametrize("path", [p for prefix in PUBLIC_PREFIXES for p in spellings(prefix)])
def test_a_visitor_cannot_reach_a_members_picture_through_a_public_folder(client, stored_picture, path):
    response = client.get(f"/media/{path}")
    assert response.status_code == 404, (path, response.status_code)
    assert b"a member's photo" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_members_see_members_pictures_privately_and_visitors_see_public_ones_publicly(client, stored_picture):
    assert client.get(f"/media/{PICTURE}").status_code == 404
    public = client.get("/media/articles/heroes/lungs.webp")
    assert public.status_code == 200
    assert public["Cache-Control"] == "public, max-age=86400"

    member = Client()
    member.force_login(UserFactory())
    private = member.get(f"/media/{PICTURE}")
    assert private.status_code == 200
    assert "private" in private["Cache-Control"]
    assert "public" not in private["Cache-Control"]
    # Spelled the long way round, a member's picture is not served at all, so never as public.
    assert member.get(f"/media/articles/../{PICTURE}").status_code == 404
