import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Biomarker, Profile, TreatmentType

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "display_name": "Ada",
        "role": Profile.Role.LIVING_WITH,
        "diagnosis": Profile.Diagnosis.NSCLC,
        "stage": Profile.Stage.STAGE_4,
        "biomarkers": [Biomarker.objects.get(code="EGFR").pk],
        "treatments": [TreatmentType.objects.get(code="targeted-therapy").pk],
        "year_diagnosed": "2024",
        "location": "Wales",
        "bio": "Gardener, grandmother, stubborn.",
        **{f"{name}_visibility": "members" for name in Profile.PRIVATE_FIELDS},
    }
    data.update(overrides)
    return data


def image_upload(name="photo.jpg", fmt="JPEG", size=(800, 600), exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 90))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_member_edits_their_profile_and_sees_it(member_client, member):
    response = member_client.post(reverse("profile_edit"), profile_data(display_name="Ada L."))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Ada L."
    assert list(member.profile.biomarkers.values_list("code", flat=True)) == ["EGFR"]

    page = member_client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "Non-small cell lung cancer" in page
    assert "EGFR" in page
    assert "Your profile is saved." in page


def test_a_field_kept_to_myself_is_hidden_from_other_members_but_not_from_me(client, member, other_member):
    client.force_login(member)
    client.post(reverse("profile_edit"), profile_data(stage_visibility="only_me", biomarkers_visibility="only_me"))

    own_page = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "Stage IV" in own_page and "EGFR" in own_page and "Only you" in own_page

    client.force_login(other_member)
    other_view = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "Stage IV" not in other_view
    assert "EGFR" not in other_view
    assert "Non-small cell lung cancer" in other_view


def test_visitors_never_see_a_profile(client, member):
    member.profile.bio = "Private words"
    member.profile.save()
    response = client.get(reverse("member_detail", args=[member.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    assert "Private words" not in client.get(reverse("member_detail", args=[member.pk]), follow=True).content.decode()


def test_visitors_are_sent_to_log_in_from_profile_edit(client):
    response = client.get(reverse("profile_edit"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_profile_of_someone_who_does_not_exist_is_a_404(member_client):
    assert member_client.get(reverse("member_detail", args=[999999])).status_code == 404


def test_a_failed_save_keeps_what_was_typed_and_says_why(member_client, member):
    response = member_client.post(
        reverse("profile_edit"), profile_data(year_diagnosed="1850", bio="Words I do not want to lose")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a year between 1900" in page
    assert "Words I do not want to lose" in page
    member.profile.refresh_from_db()
    assert member.profile.bio == ""


def test_none_known_cannot_be_ticked_with_a_biomarker(member_client):
    both = [Biomarker.objects.get(code="EGFR").pk, Biomarker.objects.get(code="none_unknown").pk]
    response = member_client.post(reverse("profile_edit"), profile_data(biomarkers=both))
    assert response.status_code == 200
    assert "cannot be ticked together with a biomarker" in response.content.decode()


def test_a_text_file_renamed_png_is_refused_with_a_message(member_client, member):
    fake = SimpleUploadedFile("me.png", b"this is not a picture at all", content_type="image/png")
    response = member_client.post(reverse("profile_edit"), {**profile_data(), "avatar": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    member.profile.refresh_from_db()
    assert not member.profile.avatar


def test_a_picture_of_an_unsupported_type_is_refused(member_client):
    gif = image_upload(name="me.gif", fmt="GIF")
    response = member_client.post(reverse("profile_edit"), {**profile_data(), "avatar": gif})
    assert "Please choose a JPEG, PNG or WebP picture." in response.content.decode()


def test_a_picture_too_large_on_a_side_is_refused(member_client, settings):
    settings.AVATAR_MAX_PIXELS = 500
    response = member_client.post(reverse("profile_edit"), {**profile_data(), "avatar": image_upload(size=(900, 400))})
    assert "too large" in response.content.decode()


def test_an_avatar_is_resized_and_loses_its_location_data(member_client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    upload = image_upload(size=(2000, 1500), exif=exif)
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get(0x8825)
    upload.seek(0)

    response = member_client.post(reverse("profile_edit"), {**profile_data(), "avatar": upload})

    assert response.status_code == 302
    member.profile.refresh_from_db()
    with Image.open(member.profile.avatar.path) as stored:
        assert max(stored.size) == settings.AVATAR_SIZE
        assert not stored.getexif()
        assert "exif" not in stored.info


def test_replacing_an_avatar_deletes_the_old_file(
    member_client, member, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("profile_edit"), {**profile_data(), "avatar": image_upload()})
    member.profile.refresh_from_db()
    first = member.profile.avatar.path
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("profile_edit"), {**profile_data(), "avatar": image_upload(name="new.png", fmt="PNG")}
        )
    member.profile.refresh_from_db()
    assert member.profile.avatar.path != first
    assert not (tmp_path / first).exists()


def test_avatars_are_served_to_members_only(client, member, other_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(member)
    client.post(reverse("profile_edit"), {**profile_data(), "avatar": image_upload()})
    member.profile.refresh_from_db()
    url = member.profile.avatar.url

    client.force_login(other_member)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404


def test_media_paths_cannot_escape_the_media_folder(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "secret.txt").write_text("nope")
    assert member_client.get("/media/../secret.txt").status_code == 404
    assert member_client.get("/media/%2e%2e/secret.txt").status_code == 404


def test_a_tiny_file_declaring_a_huge_picture_is_refused_before_it_is_decoded(member_client, member):
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")  # 81 million pixels in a few kilobytes
    assert buffer.tell() < 100_000
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = member_client.post(reverse("profile_edit"), {**profile_data(), "avatar": bomb})
    assert "too many pixels" in response.content.decode()
    member.profile.refresh_from_db()
    assert not member.profile.avatar


def test_an_svg_is_refused_even_when_named_png(member_client, member):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
    response = member_client.post(
        reverse("profile_edit"),
        {**profile_data(), "avatar": SimpleUploadedFile("me.png", svg, content_type="image/png")},
    )
    assert "Upload a valid image" in response.content.decode()
    member.profile.refresh_from_db()
    assert not member.profile.avatar
