"""The activity feed and updates as members and visitors meet them."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community import services
from community.models import Comment, Reaction, Update
from tests.community.factories import CommentFactory, UpdateFactory, picture_bytes, picture_upload

pytestmark = pytest.mark.django_db

JOIN = "This part of Kindred is for members"
VERIFY = "Please confirm your email address"
HTMX = {"HTTP_HX_REQUEST": "true"}


def update_urls(update):
    return {
        "detail": reverse("update_detail", args=[update.pk]),
        "edit": reverse("update_edit", args=[update.pk]),
        "delete": reverse("update_delete", args=[update.pk]),
    }


# Visibility


@pytest.fixture
def private_update(other_member):
    update = UpdateFactory(author=other_member, text="Private words about my scan")
    CommentFactory(update=update, author=other_member, text="A comment nobody outside sees")
    return update


def _all_update_pages(update):
    return [reverse("activity_list"), *update_urls(update).values()]


def test_visitors_are_invited_to_join_and_see_no_member_words_or_names(client, private_update):
    for url in _all_update_pages(private_update):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert JOIN in page, url
        assert "Private words" not in page and "Ben" not in page and "A comment nobody" not in page, url


def test_visitors_cannot_post_react_or_comment(client, private_update):
    posts = [
        (reverse("activity_list"), {"text": "Spam"}),
        (reverse("update_react", args=[private_update.pk]), {"kind": "hug"}),
        (reverse("update_comment", args=[private_update.pk]), {"text": "Spam"}),
        (reverse("update_delete", args=[private_update.pk]), {}),
        (reverse("update_edit", args=[private_update.pk]), {"text": "Spam"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 200 and JOIN in response.content.decode(), url
    private_update.refresh_from_db()
    assert private_update.hug_count == 0 and private_update.text == "Private words about my scan"
    assert Update.objects.count() == 1 and Comment.objects.count() == 1


def test_unverified_members_are_shown_how_to_verify(client, unverified, private_update):
    client.force_login(unverified)
    for url in _all_update_pages(private_update):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert VERIFY in page and "Private words" not in page, url
    response = client.post(reverse("activity_list"), {"text": "Let me in"})
    assert response.status_code == 403 and VERIFY in response.content.decode()
    response = client.post(reverse("update_react", args=[private_update.pk]), {"kind": "hug"})
    assert response.status_code == 403
    assert not Update.objects.filter(author=unverified).exists() and not Reaction.objects.exists()


def test_members_read_the_feed_and_an_update_with_its_comments(member_client, private_update):
    feed = member_client.get(reverse("activity_list")).content.decode()
    assert "Private words about my scan" in feed and "Ben" in feed and "1 comment" in feed
    detail = member_client.get(reverse("update_detail", args=[private_update.pk])).content.decode()
    assert "A comment nobody outside sees" in detail


def test_other_members_cannot_edit_or_delete(member_client, private_update):
    urls = update_urls(private_update)
    assert member_client.get(urls["edit"]).status_code == 403
    assert member_client.post(urls["edit"], {"text": "Hijacked"}).status_code == 403
    assert member_client.get(urls["delete"]).status_code == 403
    assert member_client.post(urls["delete"]).status_code == 403
    private_update.refresh_from_db()
    assert private_update.text == "Private words about my scan"
    feed = member_client.get(reverse("activity_list")).content.decode()
    assert urls["edit"] not in feed


def test_the_author_edits_and_the_update_shows_edited(client, other_member, private_update):
    client.force_login(other_member)
    urls = update_urls(private_update)
    assert "Private words about my scan" in client.get(urls["edit"]).content.decode()
    response = client.post(urls["edit"], {"text": "Clearer words"})
    assert response.status_code == 302
    page = client.get(urls["detail"]).content.decode()
    assert "Clearer words" in page and "edited" in page


def test_the_author_deletes_after_confirming(client, other_member, private_update):
    client.force_login(other_member)
    urls = update_urls(private_update)
    assert "Delete your update?" in client.get(urls["delete"]).content.decode()
    assert Update.objects.exists()
    assert client.post(urls["delete"]).status_code == 302
    assert not Update.objects.exists() and not Comment.objects.exists()


def test_a_blocked_member_sees_nothing_of_the_blocker(client, member, other_member, private_update):
    services.member_block(blocker=other_member, blocked=member)
    client.force_login(member)
    feed = client.get(reverse("activity_list")).content.decode()
    assert "Private words" not in feed
    assert client.get(reverse("update_detail", args=[private_update.pk])).status_code == 403
    assert client.post(reverse("update_react", args=[private_update.pk]), {"kind": "hug"}).status_code == 403
    assert client.post(reverse("update_comment", args=[private_update.pk]), {"text": "Hi"}).status_code == 403
    private_update.refresh_from_db()
    assert private_update.hug_count == 0 and private_update.comment_count == 1


def test_the_blocker_does_not_see_the_blocked_member_either(client, member, other_member):
    UpdateFactory(author=member, text="Words from the blocked one")
    services.member_block(blocker=other_member, blocked=member)
    client.force_login(other_member)
    assert "Words from the blocked one" not in client.get(reverse("activity_list")).content.decode()


def test_feed_filters_my_team_and_people_like_me(client, member, other_member, third_member):
    from accounts.models import Profile

    for user in (member, other_member):
        user.profile.diagnosis = Profile.Diagnosis.SCLC
        user.profile.save()
    UpdateFactory(author=other_member, text="From someone like me")
    UpdateFactory(author=third_member, text="From my teammate")
    services.team_add(member=member, teammate=third_member)
    client.force_login(member)
    like_me = client.get(reverse("activity_list"), {"show": "like_me"}).content.decode()
    assert "From someone like me" in like_me and "From my teammate" not in like_me
    team = client.get(reverse("activity_list"), {"show": "team"}).content.decode()
    assert "From my teammate" in team and "From someone like me" not in team
    everyone = client.get(reverse("activity_list"), {"show": "nonsense"}).content.decode()
    assert "From my teammate" in everyone and "From someone like me" in everyone


def test_hidden_diagnosis_does_not_count_as_like_me(client, member, other_member):
    from accounts.models import Profile

    member.profile.diagnosis = Profile.Diagnosis.SCLC
    member.profile.save()
    other_member.profile.diagnosis = Profile.Diagnosis.SCLC
    other_member.profile.diagnosis_visibility = "only_me"
    other_member.profile.save()
    UpdateFactory(author=other_member, text="Hidden diagnosis here")
    client.force_login(member)
    assert "Hidden diagnosis here" not in client.get(reverse("activity_list"), {"show": "like_me"}).content.decode()


def test_the_feed_is_newest_first_and_paginated(member_client, other_member):
    for n in range(25):
        UpdateFactory(author=other_member, text=f"Numbered update {n:02d}.")
    first = member_client.get(reverse("activity_list")).content.decode()
    assert first.index("Numbered update 24.") < first.index("Numbered update 23.")
    assert "Numbered update 04." not in first and "Next page" in first and "Previous page" not in first
    second = member_client.get(reverse("activity_list"), {"page": "2"}).content.decode()
    assert "Numbered update 04." in second and "Numbered update 24." not in second
    assert "Previous page" in second and "Next page" not in second
    # Past the end, or a number too large for the database: a calm empty page, never an error.
    for page in ("3", "99999999999999999999999"):
        assert member_client.get(reverse("activity_list"), {"page": page}).status_code == 200


# Posting


def test_a_member_posts_an_update(member_client, member):
    response = member_client.post(reverse("activity_list"), {"text": "Good day today."}, follow=True)
    assert "Your update is posted." in response.content.decode()
    assert "Good day today." in response.content.decode()
    assert Update.objects.get().author == member


def test_an_empty_update_is_refused_with_the_message(member_client):
    response = member_client.post(reverse("activity_list"), {"text": "   "})
    assert response.status_code == 400
    assert "An update needs text or a picture." in response.content.decode()
    assert not Update.objects.exists()


def test_a_post_too_soon_is_refused_and_keeps_the_text(member_client, member, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    member_client.post(reverse("activity_list"), {"text": "First post."})
    response = member_client.post(reverse("activity_list"), {"text": "My carefully written second post."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please wait 15 seconds between posts" in page
    assert "My carefully written second post." in page
    assert Update.objects.count() == 1


def _update_form(page: str) -> str:
    form = re.search(r'<form method="post" enctype="multipart/form-data".*?</form>', page, re.S).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", form)


def test_what_a_refused_update_kept_is_shown_to_its_author_only(client, member, other_member, settings):
    """The empty form is rendered once per process and shared; a form holding someone's words never is."""
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    client.force_login(member)
    empty = _update_form(client.get(reverse("activity_list")).content.decode())
    client.post(reverse("activity_list"), {"text": "First post."})
    refused = client.post(reverse("activity_list"), {"text": "Words only Ada should see again."}).content.decode()
    assert "Words only Ada should see again." in _update_form(refused)

    client.force_login(other_member)
    form = _update_form(client.get(reverse("activity_list")).content.decode())
    assert form == empty
    assert "Share an update" in form and "Links are fine" in form and "Words only Ada" not in form


def test_the_daily_limit_for_new_members_is_explained(member_client, settings):
    settings.DAILY_LIMITS_NEW_MEMBER = {**settings.DAILY_LIMITS_NEW_MEMBER, "update": 1}
    member_client.post(reverse("activity_list"), {"text": "One."})
    response = member_client.post(reverse("activity_list"), {"text": "Two, kept."})
    page = response.content.decode()
    assert "today&#x27;s limit of 1 updates" in page or "today's limit of 1 updates" in page
    assert "Two, kept." in page
    assert Update.objects.count() == 1


# Pictures


def test_a_picture_update_is_stored_resized_and_without_exif(member_client, settings):
    settings.UPDATE_PICTURE_SIZE = 200
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}  # GPS latitude
    upload = SimpleUploadedFile("IMG_home.jpg", picture_bytes("JPEG", (800, 600), exif=exif), "image/jpeg")
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the original carries location
    upload.seek(0)
    response = member_client.post(
        reverse("activity_list"), {"text": "", "picture": upload, "picture_alt": "My garden in spring"}
    )
    assert response.status_code == 302
    update = Update.objects.get()
    assert "IMG_home" not in update.picture.name
    with Image.open(update.picture.path) as stored:
        assert max(stored.size) == 200 and stored.size == (200, 150)
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert (update.picture_width, update.picture_height) == (200, 150)
    feed = member_client.get(reverse("activity_list")).content.decode()
    assert 'alt="My garden in spring"' in feed and update.picture.url in feed


def test_an_oversized_picture_is_refused_and_the_text_kept(member_client, settings):
    settings.UPDATE_PICTURE_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.png", picture_bytes("PNG", (400, 400)) + b"\0" * 2000, "image/png")
    response = member_client.post(reverse("activity_list"), {"text": "Words to keep", "picture": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "larger than" in page and "Words to keep" in page
    assert not Update.objects.exists()


def test_a_gif_is_refused(member_client):
    upload = SimpleUploadedFile("funny.gif", picture_bytes("GIF"), "image/gif")
    response = member_client.post(reverse("activity_list"), {"text": "Look", "picture": upload})
    assert response.status_code == 400
    assert "Please choose a JPEG, PNG or WebP picture." in response.content.decode()
    assert not Update.objects.exists()


def test_a_text_file_renamed_png_is_refused(member_client):
    upload = SimpleUploadedFile("notes.png", b"this is not a picture at all\n" * 20, "image/png")
    response = member_client.post(reverse("activity_list"), {"text": "Look", "picture": upload})
    assert response.status_code == 400
    assert "Upload a valid image" in response.content.decode() or "not a picture" in response.content.decode()
    assert not Update.objects.exists()


def test_a_picture_needs_a_member_to_see_it(client, member, settings):
    update = services.update_create(author=member, text="", picture=picture_upload())
    assert client.get(update.picture.url).status_code == 404
    client.force_login(member)
    assert client.get(update.picture.url).status_code == 200


# Reactions


def test_reacting_with_htmx_returns_the_buttons_with_the_new_count(member_client, other_member):
    update = UpdateFactory(author=other_member)
    url = reverse("update_react", args=[update.pk])
    response = member_client.post(url, {"kind": "hug"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and f'id="reactions-{update.pk}"' in page
    assert re.search(r'aria-label="Send a hug\W+1\W*"', page) and 'aria-pressed="true"' in page
    response = member_client.post(url, {"kind": "hug"}, **HTMX)
    assert re.search(r'aria-label="Send a hug\W+0\W*"', response.content.decode())
    update.refresh_from_db()
    assert update.hug_count == 0


def test_reacting_without_htmx_redirects_back(member_client, other_member):
    update = UpdateFactory(author=other_member)
    url = reverse("update_react", args=[update.pk])
    response = member_client.post(url, {"kind": "thanks", "next": "/activities/?page=1"})
    assert response.status_code == 302 and response.url == "/activities/?page=1"
    response = member_client.post(url, {"kind": "like", "next": "https://evil.example/"})
    assert response.url == update.get_absolute_url()
    update.refresh_from_db()
    assert (update.thanks_count, update.like_count) == (1, 1)


@pytest.mark.parametrize("data", [{}, {"kind": "angry"}, {"kind": ""}, {"kind": "HUG"}])
def test_an_unknown_reaction_is_a_400_not_a_500(member_client, other_member, data):
    update = UpdateFactory(author=other_member)
    assert member_client.post(reverse("update_react", args=[update.pk]), data).status_code == 400
    assert not Reaction.objects.exists()


# Comments on updates


def test_a_member_comments_and_replies(member_client, member, other_member):
    update = UpdateFactory(author=other_member)
    url = reverse("update_comment", args=[update.pk])
    response = member_client.post(url, {"text": "Sending love"})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#comment-{comment.pk}")
    member_client.post(url, {"text": "And a reply", "parent": comment.pk})
    reply = Comment.objects.get(text="And a reply")
    member_client.post(url, {"text": "Reply to the reply", "parent": reply.pk})
    assert Comment.objects.get(text="Reply to the reply").parent == comment
    update.refresh_from_db()
    assert update.comment_count == 3
    page = member_client.get(update.get_absolute_url()).content.decode()
    assert page.count("comment--reply") == 2


def test_a_failed_comment_keeps_its_text(member_client, other_member, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    update = UpdateFactory(author=other_member)
    url = reverse("update_comment", args=[update.pk])
    member_client.post(url, {"text": "First"})
    response = member_client.post(url, {"text": "A thoughtful second comment"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "A thoughtful second comment" in page and "Please wait" in page


def test_an_empty_comment_is_refused(member_client, other_member):
    update = UpdateFactory(author=other_member)
    response = member_client.post(reverse("update_comment", args=[update.pk]), {"text": "  "})
    assert response.status_code == 400 and "A comment needs some text." in response.content.decode()


def test_a_deleted_comment_with_replies_reads_comment_removed(client, member, other_member):
    update = UpdateFactory(author=member)
    top = services.comment_create(author=other_member, text="Words to be removed", update=update)
    services.comment_create(author=member, text="The reply stays", update=update, parent=top)
    client.force_login(other_member)
    response = client.post(reverse("comment_delete", args=[top.pk]), {"next": update.get_absolute_url()})
    assert response.status_code == 302 and response.url == update.get_absolute_url()
    page = client.get(update.get_absolute_url()).content.decode()
    assert "Comment removed" in page and "Words to be removed" not in page and "The reply stays" in page
    assert "1 comment" in page


def test_only_the_author_deletes_a_comment(member_client, other_member):
    comment = CommentFactory(author=other_member)
    assert member_client.post(reverse("comment_delete", args=[comment.pk])).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize(
    "parent",
    ["999999", "not-a-number", "-1", "99999999999999999999999"],
)
def test_a_reply_to_a_missing_comment_is_a_400(member_client, other_member, parent):
    update = UpdateFactory(author=other_member)
    response = member_client.post(reverse("update_comment", args=[update.pk]), {"text": "Kept", "parent": parent})
    assert response.status_code == 400
    assert "Kept" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_reply_to_a_comment_on_another_update_is_a_400(member_client, other_member):
    elsewhere = CommentFactory(author=other_member)
    update = UpdateFactory(author=other_member)
    response = member_client.post(
        reverse("update_comment", args=[update.pk]), {"text": "Misplaced", "parent": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "Misplaced" in response.content.decode()
    assert not update.comments.exists()


# Malformed input


@pytest.mark.parametrize("page", ["abc", "0", "-3", "9999", "1.5", "", "%00"])
def test_odd_page_numbers_are_not_errors(member_client, page):
    UpdateFactory()
    assert member_client.get(reverse("activity_list"), {"page": page}).status_code == 200


def test_missing_updates_are_404(member_client):
    for name in ("update_detail", "update_edit", "update_delete"):
        assert member_client.get(reverse(name, args=[999999])).status_code == 404
    for name in ("update_react", "update_comment"):
        assert member_client.post(reverse(name, args=[999999]), {"kind": "hug", "text": "x"}).status_code == 404
    assert member_client.post(reverse("comment_delete", args=[999999])).status_code == 404
    assert member_client.get("/activities/99999999999999999999999/").status_code == 404


def test_post_only_endpoints_refuse_get(member_client, other_member):
    update = UpdateFactory(author=other_member)
    comment = CommentFactory(update=update)
    for url in (
        reverse("update_react", args=[update.pk]),
        reverse("update_comment", args=[update.pk]),
        reverse("comment_delete", args=[comment.pk]),
    ):
        assert member_client.get(url).status_code == 405, url
    assert member_client.post(reverse("update_detail", args=[update.pk])).status_code == 405


def test_garbage_posts_are_not_errors(member_client, other_member):
    update = UpdateFactory(author=other_member)
    for url in (
        reverse("activity_list"),
        reverse("update_comment", args=[update.pk]),
        reverse("update_react", args=[update.pk]),
    ):
        for data in ({}, {"text": ["a", "b"], "picture": "not a file", "parent": "x"}, {"text": "x" * 6000}):
            assert member_client.post(url, data).status_code in (400, 302), (url, data)


def test_a_long_comment_is_shortened_with_read_more(member_client, other_member):
    update = UpdateFactory(author=other_member)
    CommentFactory(update=update, text="word " * 150 + "THE-END")
    short = CommentFactory(update=update, text="A short kind note")
    page = member_client.get(update.get_absolute_url()).content.decode()
    assert page.count("Read more") == 1 and "THE-END" in page
    assert "A short kind note" in page and short.pk
