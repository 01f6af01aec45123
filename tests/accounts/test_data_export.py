import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Biomarker, DataExport, EmailPreferences, NewsletterSubscription, Notification, Profile
from community.models import QuestionFollow, Reaction, Report
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory, picture_bytes

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/settings/privacy/export/[^/\s]+/")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://kindred.example.org"
    return tmp_path


@pytest.fixture
def rich_member(member, other_member):
    profile = member.profile
    profile.diagnosis, profile.stage, profile.year_diagnosed, profile.location = "nsclc", "4", 2023, "Wales"
    profile.diagnosis_visibility = "only_me"
    profile.avatar.save("ada.png", ContentFile(picture_bytes(color=(10, 20, 30))), save=False)
    profile.save()
    profile.biomarkers.set([Biomarker.objects.get(code="EGFR")])
    UpdateFactory(author=member, text="Walked to the sea today.")
    with_picture = UpdateFactory.build(author=member, text="")
    with_picture.picture.save("sea.png", ContentFile(picture_bytes(color=(200, 10, 10))), save=False)
    with_picture.save()
    theirs = UpdateFactory(author=other_member, text="Ben's news")
    CommentFactory(author=member, update=theirs, text="So glad, Ben.")
    QuestionFactory(author=member, title="Which exercises help breathlessness?")
    followed = QuestionFactory(author=other_member, title="Does anyone else feel cold on immunotherapy?")
    AnswerFactory(author=member, question=followed, text="Pursed-lip breathing.")
    QuestionFollow.objects.create(member=member, question=followed)
    Reaction.objects.create(member=member, update=theirs, kind="hug")
    Report.objects.create(
        reporter=member, content_type=ContentType.objects.get_for_model(theirs), object_id=theirs.pk, reason="spam"
    )
    NewsletterSubscription.objects.create(name="Ada", email=member.email, user=member, confirmed_at=timezone.now())
    EmailPreferences.objects.filter(user=member).update(new_articles=True)
    Notification.objects.create(recipient=member, kind="answer", message="Ben answered your question")
    return member


def request_export(client, on_commit):
    response = on_commit(client.post, reverse("data_export_request"))
    assert response.status_code == 302
    [message] = [m for m in mail.outbox if "data is ready" in m.subject]
    return LINK.search(message.body).group(0).removeprefix("https://kindred.example.org")


def test_the_export_holds_every_health_field_posts_reactions_reports_and_the_original_images(
    member_client, rich_member, on_commit, media_root
):
    link = request_export(member_client, on_commit)
    export = DataExport.objects.get(member=rich_member)
    stored_archive = export.file.name
    assert stored_archive.startswith("exports/")
    assert (media_root / stored_archive).is_file()

    response = on_commit(member_client.get, link)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    profile = data["profile"]
    assert profile["diagnosis"] == "nsclc" and profile["stage"] == "4" and profile["year_diagnosed"] == 2023
    assert profile["biomarkers"] == ["EGFR"] and profile["treatments"] == [] and profile["medicines"] == []
    assert profile["visibility"]["diagnosis"] == "only_me"
    assert [c["policy_version"] for c in data["health_data_consents"]] == ["test"]
    assert sorted(u["text"] for u in data["updates"]) == ["", "Walked to the sea today."]
    assert [c["text"] for c in data["comments"]] == ["So glad, Ben."]
    assert [q["title"] for q in data["questions"]] == ["Which exercises help breathlessness?"]
    assert [a["text"] for a in data["answers"]] == ["Pursed-lip breathing."]
    assert [r["kind"] for r in data["reactions"]] == ["hug"]
    assert [(r["about"], r["reason"]) for r in data["reports_filed"]] == [("update", "spam")]
    assert [f["title"] for f in data["followed_questions"]] == ["Does anyone else feel cold on immunotherapy?"]
    assert [s["email"] for s in data["newsletter_subscriptions"]] == [rich_member.email]
    assert data["email_preferences"]["new_articles"] is True
    assert [n["message"] for n in data["notifications"]] == ["Ben answered your question"]

    profile = Profile.objects.get(user=rich_member)
    picture = rich_member.updates.exclude(picture="").get().picture
    for name in (profile.avatar.name, picture.name):
        [entry] = [n for n in archive.namelist() if n.endswith("/" + name.split("/")[-1])]
        with default_storage.open(name, "rb") as stored:
            assert archive.read(entry) == stored.read()

    # Used once: the file is gone and the link says so.
    assert not (media_root / stored_archive).exists()
    assert member_client.get(link).status_code == 410


def test_the_link_works_only_for_the_owner(member_client, rich_member, other_member, on_commit):
    link = request_export(member_client, on_commit)
    client = Client()
    assert client.get(link).status_code == 302  # not signed in: to the login page
    client.force_login(other_member)
    assert client.get(link).status_code == 404
    assert member_client.get(link).status_code == 200  # not used up by the others


def test_the_link_expires_after_24_hours_and_the_file_is_deleted(
    member_client, rich_member, on_commit, media_root, django_capture_on_commit_callbacks
):
    link = request_export(member_client, on_commit)
    export = DataExport.objects.get(member=rich_member)
    assert export.expires_at - export.ready_at == timedelta(hours=24)
    stored = media_root / export.file.name
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.get(link)

    assert response.status_code == 410
    assert not stored.exists()
    assert DataExport.objects.get(pk=export.pk).file.name == ""


def test_expired_exports_are_purged(member_client, rich_member, on_commit, media_root):
    from accounts import services

    request_export(member_client, on_commit)
    export = DataExport.objects.get(member=rich_member)
    stored = media_root / export.file.name
    assert on_commit(services.data_exports_purge) == 0
    assert on_commit(services.data_exports_purge, now=timezone.now() + timedelta(hours=25)) == 1
    assert not stored.exists()


def test_the_archive_is_never_served_through_media(member_client, rich_member, on_commit, media_root):
    request_export(member_client, on_commit)
    name = DataExport.objects.get(member=rich_member).file.name
    assert (media_root / name).is_file()
    for path in (name, f"updates/../{name}", f"./{name}", name.replace("exports/", "exports//")):
        assert member_client.get(f"/media/{path}").status_code == 404, path
    # Members' own pictures are still served to members.
    assert member_client.get(Profile.objects.get(user=rich_member).avatar.url).status_code == 200


def test_asking_twice_in_a_row_builds_one_archive(member_client, rich_member, on_commit):
    request_export(member_client, on_commit)
    on_commit(member_client.post, reverse("data_export_request"))
    assert DataExport.objects.filter(member=rich_member).count() == 1


def test_a_made_up_token_is_not_found(member_client, rich_member):
    assert member_client.get(reverse("data_export_download", args=["not-a-real-token"])).status_code == 404


def test_the_hourly_purge_deletes_an_export_nobody_downloaded(member_client, rich_member, on_commit, media_root):
    request_export(member_client, on_commit)
    export = DataExport.objects.get(member=rich_member)
    stored = media_root / export.file.name
    # Built yesterday, its link ran out an hour ago; nobody ever opened it.
    DataExport.objects.filter(pk=export.pk).update(
        ready_at=timezone.now() - timedelta(hours=25), expires_at=timezone.now() - timedelta(hours=1)
    )
    out = io.StringIO()

    on_commit(call_command, "purge_data_exports", stdout=out)

    assert not stored.exists()
    assert DataExport.objects.get(pk=export.pk).file.name == ""
    assert "1 expired data export deleted" in out.getvalue()
    assert not any(media_root.glob("exports/**/*.zip"))


def test_the_purge_leaves_a_fresh_export_alone(member_client, rich_member, on_commit, media_root):
    request_export(member_client, on_commit)
    stored = media_root / DataExport.objects.get(member=rich_member).file.name
    on_commit(call_command, "purge_data_exports", stdout=io.StringIO())
    assert stored.is_file()
