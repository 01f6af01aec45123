"""Members like you, teams, blocks, and the conversation under articles."""

import pytest
from django.urls import reverse

from accounts.models import Biomarker, Profile
from community import services
from community.models import Block, Comment, TeamMembership
from tests.articles.factories import PublishedArticleFactory
from tests.community.factories import UpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JOIN = "This part of Kindred is for members"
VERIFY = "Please confirm your email address"


def with_profile(user, *, biomarkers=(), **fields):
    for name, value in fields.items():
        setattr(user.profile, name, value)
    user.profile.save()
    user.profile.biomarkers.set(Biomarker.objects.filter(code__in=biomarkers))
    return user


# The members page


def test_visitors_and_unverified_members_cannot_find_members(client, unverified, other_member):
    response = client.get(reverse("member_list"))
    assert response.status_code == 200 and JOIN in response.content.decode()
    assert "Ben" not in response.content.decode()
    client.force_login(unverified)
    response = client.get(reverse("member_list"))
    assert response.status_code == 403 and VERIFY in response.content.decode()


def test_members_search_only_what_others_left_visible(member_client):
    shown = with_profile(UserFactory(display_name="Shown"), biomarkers=["EGFR"], location="Wales")
    hidden = with_profile(
        UserFactory(display_name="Hidden"), biomarkers=["EGFR"], biomarkers_visibility="only_me", location="Wales"
    )
    page = member_client.get(reverse("member_list"), {"biomarker": "EGFR"}).content.decode()
    assert shown.display_name in page and hidden.display_name not in page
    # The hidden member can still be found by what they left visible.
    page = member_client.get(reverse("member_list"), {"location": "wal"}).content.decode()
    assert shown.display_name in page and hidden.display_name in page


@pytest.mark.parametrize(
    ("field", "value", "visibility_field"),
    [
        ("role", Profile.Role.CAREGIVER, "role_visibility"),
        ("diagnosis", Profile.Diagnosis.MESOTHELIOMA, "diagnosis_visibility"),
        ("location", "Cornwall", "location_visibility"),
    ],
)
def test_each_hidden_field_is_not_searchable(member_client, field, value, visibility_field):
    with_profile(UserFactory(display_name="Visible"), **{field: value})
    with_profile(UserFactory(display_name="Secretive"), **{field: value, visibility_field: "only_me"})
    page = member_client.get(reverse("member_list"), {field: value}).content.decode()
    assert "Visible" in page and "Secretive" not in page


def test_the_member_search_ignores_nonsense(member_client, other_member):
    for params in ({"biomarker": "NOPE"}, {"role": "<script>"}, {"page": "abc"}, {"location": "x" * 500}):
        assert member_client.get(reverse("member_list"), params).status_code == 200
    assert member_client.post(reverse("member_list")).status_code == 405


def test_members_see_who_added_them(client, member, other_member):
    services.team_add(member=other_member, teammate=member)
    client.force_login(member)
    page = client.get(reverse("member_list")).content.decode()
    assert "Members who added you to their team" in page and "Ben" in page


# Teams and blocks


def test_a_member_adds_and_removes_a_teammate(member_client, member, other_member):
    url = reverse("team_toggle", args=[other_member.pk])
    response = member_client.post(url, follow=True)
    assert "Ben is now in your team." in response.content.decode()
    assert TeamMembership.objects.filter(member=member, teammate=other_member).exists()
    response = member_client.post(url, {"action": "remove"}, follow=True)
    assert "Ben is no longer in your team." in response.content.decode()
    assert not TeamMembership.objects.exists()


def test_adding_yourself_is_explained_not_an_error(member_client, member):
    response = member_client.post(reverse("team_toggle", args=[member.pk]), follow=True)
    assert response.status_code == 200 and "You are always on your own team." in response.content.decode()


def test_a_blocked_member_cannot_add_the_blocker(client, member, other_member):
    services.member_block(blocker=other_member, blocked=member)
    client.force_login(member)
    response = client.post(reverse("team_toggle", args=[other_member.pk]), {"next": "/members/"}, follow=True)
    assert "You cannot add this member to your team." in response.content.decode()
    assert not TeamMembership.objects.exists()


def test_a_blocked_member_cannot_open_the_blockers_profile_or_find_them(client, member, other_member):
    client.force_login(member)
    assert client.get(reverse("member_detail", args=[other_member.pk])).status_code == 200
    services.member_block(blocker=other_member, blocked=member)
    assert client.get(reverse("member_detail", args=[other_member.pk])).status_code == 404
    assert "Ben" not in client.get(reverse("member_list")).content.decode()


def test_unverified_members_cannot_read_profiles(client, unverified, other_member):
    other_member.profile.bio = "Words for verified members"
    other_member.profile.save()
    client.force_login(unverified)
    response = client.get(reverse("member_detail", args=[other_member.pk]))
    assert "Words for verified members" not in response.content.decode()


def test_a_member_blocks_and_unblocks(client, member, other_member):
    UpdateFactory(author=other_member, text="Before the block")
    client.force_login(member)
    response = client.post(reverse("block_toggle", args=[other_member.pk]), follow=True)
    assert "You blocked Ben." in response.content.decode()
    assert Block.objects.filter(blocker=member, blocked=other_member).exists()
    assert "Before the block" not in client.get(reverse("activity_list")).content.decode()
    response = client.post(reverse("block_toggle", args=[other_member.pk]), {"action": "unblock"}, follow=True)
    assert "You unblocked Ben." in response.content.decode()
    assert not Block.objects.exists()
    assert "Before the block" in client.get(reverse("activity_list")).content.decode()


def test_blocking_yourself_is_explained(member_client, member):
    response = member_client.post(reverse("block_toggle", args=[member.pk]), follow=True)
    assert response.status_code == 200 and "You cannot block yourself." in response.content.decode()
    assert not Block.objects.exists()


def test_team_and_block_actions_need_a_verified_member(client, unverified, other_member):
    for name in ("team_toggle", "block_toggle"):
        response = client.post(reverse(name, args=[other_member.pk]))
        assert response.status_code == 200 and JOIN in response.content.decode()
    client.force_login(unverified)
    for name in ("team_toggle", "block_toggle"):
        response = client.post(reverse(name, args=[other_member.pk]))
        assert response.status_code == 403 and VERIFY in response.content.decode()
    assert not TeamMembership.objects.exists() and not Block.objects.exists()


def test_team_and_block_actions_on_missing_members_or_by_get(member_client, other_member):
    for name in ("team_toggle", "block_toggle"):
        assert member_client.post(reverse(name, args=[999999])).status_code == 404
        assert member_client.get(reverse(name, args=[other_member.pk])).status_code == 405
    other_member.is_active = False
    other_member.save()
    assert member_client.post(reverse("team_toggle", args=[other_member.pk])).status_code == 404


def test_team_toggle_ignores_an_offsite_next(member_client, other_member):
    response = member_client.post(reverse("team_toggle", args=[other_member.pk]), {"next": "//evil.example/"})
    assert response.status_code == 302 and "evil" not in response.url


# Comments under articles


@pytest.fixture
def article_with_comment(other_member, third_member):
    article = PublishedArticleFactory(title="Living with EGFR", slug="living-with-egfr")
    top = services.comment_create(author=other_member, text="This article helped me so much", article=article)
    services.comment_create(author=third_member, text="Same here, thank you", article=article, parent=top)
    return article


def test_visitors_see_the_comment_count_and_an_invitation_only(client, article_with_comment):
    page = client.get(article_with_comment.get_absolute_url()).content.decode()
    assert "2 comments" in page and "Join to read and share" in page
    assert "This article helped me" not in page and "Same here" not in page
    assert "Ben" not in page and "Cara" not in page
    assert "start a conversation on Activities" in page


def test_unverified_members_see_the_count_but_not_the_thread(client, unverified, article_with_comment):
    client.force_login(unverified)
    page = client.get(article_with_comment.get_absolute_url()).content.decode()
    assert "2 comments" in page and "This article helped me" not in page


def test_members_read_and_join_the_article_conversation(member_client, article_with_comment):
    page = member_client.get(article_with_comment.get_absolute_url()).content.decode()
    assert "2 comments" in page and "This article helped me so much" in page and "Same here" in page
    url = reverse("article_comment", args=[article_with_comment.slug])
    response = member_client.post(url, {"text": "Thank you for writing this"})
    assert response.status_code == 302 and article_with_comment.get_absolute_url() in response.url
    assert "3 comments" in member_client.get(article_with_comment.get_absolute_url()).content.decode()


def test_a_failed_article_comment_keeps_its_text(member_client, article_with_comment, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    url = reverse("article_comment", args=[article_with_comment.slug])
    member_client.post(url, {"text": "First"})
    response = member_client.post(url, {"text": "My second, longer comment"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "My second, longer comment" in page and "Your comment is not posted yet" in page


def test_article_comments_refuse_visitors_unverified_and_missing_articles(client, unverified, article_with_comment):
    url = reverse("article_comment", args=[article_with_comment.slug])
    response = client.post(url, {"text": "Visitor spam"})
    assert response.status_code == 200 and JOIN in response.content.decode()
    client.force_login(unverified)
    assert client.post(url, {"text": "Unverified"}).status_code == 403
    client.force_login(UserFactory())
    assert client.post(reverse("article_comment", args=["no-such-article"]), {"text": "x"}).status_code == 404
    assert client.get(url).status_code == 405
    assert Comment.objects.count() == 2


def test_the_article_count_skips_removed_comments(client, member, other_member, article_with_comment):
    top = Comment.objects.get(parent__isnull=True)
    client.force_login(other_member)
    client.post(reverse("comment_delete", args=[top.pk]))
    page = client.get(article_with_comment.get_absolute_url()).content.decode()
    assert "1 comment" in page and "Comment removed" in page
    client.logout()
    assert "1 comment" in client.get(article_with_comment.get_absolute_url()).content.decode()
