"""The moderation pages: who may see and do what, the members' report and appeal pages, suspension
and bans as members meet them, crisis care, the admin, and malformed requests."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from community.models import (
    Appeal,
    CrisisResource,
    ModerationAction,
    ModerationState,
    Reaction,
    Report,
    ReviewItem,
    Update,
)
from community.moderation import services as moderation
from tests.articles.factories import PublishedArticleFactory
from tests.community.factories import (
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    UnverifiedUserFactory,
    UpdateFactory,
)
from tests.community.test_moderation import give_totp, make_moderator, make_staff, open_review, reload
from tests.factories import PASSWORD, EditorFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "unverified",
    "member",
    "suspended",
    "banned",
    "moderator_no_2fa",
    "moderator",
    "editor",
    "staff",
]
ALLOWED = {"moderator", "staff"}


def make_user(role):
    if role == "visitor":
        return None
    if role == "unverified":
        return UnverifiedUserFactory()
    if role == "member":
        return UserFactory()
    if role == "suspended":
        return UserFactory(suspended_until=timezone.now() + timedelta(days=3), suspension_reason="Too many adverts")
    if role == "banned":
        return UserFactory(banned_at=timezone.now(), ban_reason="Selling fake cures")
    if role == "moderator_no_2fa":
        return ModeratorFactory()
    if role == "moderator":
        return make_moderator()
    if role == "editor":
        return give_totp(EditorFactory())
    if role == "staff":
        return make_staff()
    raise AssertionError(role)


def client_for(client, role):
    user = make_user(role)
    if user is not None:
        client.force_login(user)
    return user


def reported_update():
    update = UpdateFactory()
    moderation.report_create(reporter=UserFactory(), item=update, reason="spam")
    return update


def pending_appeal():
    """An appeal against a removal made by a moderator who is not the one acting in the test."""
    decider = make_moderator()
    update = reported_update()
    action = moderation.review_remove(moderator=decider, review=open_review(update), reason_code="spam")
    return moderation.appeal_create(member=update.author, action=action, text="It was a recipe")


def assert_refused(response, role):
    if role == "visitor":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    elif role == "moderator_no_2fa":
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    elif role == "banned":
        assert response.status_code == 403
        assert b"This account is closed" in response.content and b"Selling fake cures" in response.content
    else:
        assert response.status_code == 403


# The permission matrix


@pytest.mark.parametrize("role", ROLES)
def test_queue_page(client, role):
    update = reported_update()
    client_for(client, role)
    response = client.get("/moderation/")
    if role in ALLOWED:
        assert response.status_code == 200
        assert f'id="review-{open_review(update).pk}"'.encode() in response.content
    else:
        assert_refused(response, role)


def test_unknown_action_is_refused(client):
    # Each action is its own service; a name with none behind it changes nothing.
    update = reported_update()
    review = open_review(update)
    client_for(client, "moderator")
    response = client.post(f"/moderation/review/{review.pk}/", {"action": "explode"})
    review.refresh_from_db()
    assert response.status_code == 302 and review.resolved_at is None
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_approve(client, role):
    update = reported_update()
    review = open_review(update)
    client_for(client, role)
    response = client.post(f"/moderation/review/{review.pk}/", {"action": "approve"})
    review.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302 and response["Location"] == f"/moderation/#review-{review.pk}"
        assert review.resolved_at is not None
    else:
        assert_refused(response, role)
        assert review.resolved_at is None and not ModerationAction.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_remove(client, role):
    update = reported_update()
    review = open_review(update)
    client_for(client, role)
    response = client.post(f"/moderation/review/{review.pk}/", {"action": "remove", "reason_code": "spam"})
    if role in ALLOWED:
        assert response.status_code == 302
        assert reload(update).moderation_state == ModerationState.REMOVED
    else:
        assert_refused(response, role)
        assert reload(update).moderation_state == ModerationState.VISIBLE


@pytest.mark.parametrize("role", ROLES)
def test_bulk(client, role):
    updates = [reported_update() for _ in range(2)]
    reviews = [open_review(u) for u in updates]
    client_for(client, role)
    response = client.post("/moderation/bulk/", {"action": "remove", "review": [r.pk for r in reviews]})
    states = {reload(u).moderation_state for u in updates}
    if role in ALLOWED:
        assert response.status_code == 302 and response["Location"] == "/moderation/"
        assert states == {ModerationState.REMOVED}
    else:
        assert_refused(response, role)
        assert states == {ModerationState.VISIBLE}


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_page(client, role):
    pending_appeal()
    client_for(client, role)
    response = client.get("/moderation/log/")
    if role in ALLOWED:
        assert response.status_code == 200 and b"Removed" in response.content
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_appeal_page(client, role):
    appeal = pending_appeal()
    client_for(client, role)
    response = client.get(f"/moderation/appeals/{appeal.pk}/")
    if role in ALLOWED:
        assert response.status_code == 200 and b"It was a recipe" in response.content
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_appeal_decision(client, role):
    appeal = pending_appeal()
    client_for(client, role)
    response = client.post(f"/moderation/appeals/{appeal.pk}/", {"decision": "restore"})
    appeal.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302 and response["Location"] == "/moderation/"
        assert appeal.decision == Appeal.Decision.RESTORED
    else:
        assert_refused(response, role)
        assert appeal.decision == ""


# Moderators on moderators


def test_a_moderator_cannot_act_on_their_own_post_or_another_moderator_through_the_queue(client):
    moderator = make_moderator()
    other = make_moderator()
    own, theirs = UpdateFactory(author=moderator), UpdateFactory(author=other)
    for item in (own, theirs):
        moderation.report_create(reporter=UserFactory(), item=item, reason="spam")
    client.force_login(moderator)
    for item in (own, theirs):
        response = client.post(
            f"/moderation/review/{open_review(item).pk}/",
            {"action": "remove", "reason_code": "spam"},
            headers={"HX-Request": "true"},
        )
        assert b"Moderators cannot act on their own" in response.content or b"Only staff" in response.content
        assert reload(item).moderation_state == ModerationState.VISIBLE
    response = client.post(
        "/moderation/bulk/", {"action": "approve", "review": [open_review(own).pk, open_review(theirs).pk]}
    )
    assert response.status_code == 302 and not ModerationAction.objects.exists()

    client.force_login(make_staff())
    response = client.post(f"/moderation/review/{open_review(theirs).pk}/", {"action": "remove", "reason_code": "spam"})
    assert response.status_code == 302 and reload(theirs).moderation_state == ModerationState.REMOVED


# Members' side: report and appeal pages


def test_report_and_appeal_pages_for_visitors_and_unverified_members(client):
    update = reported_update()
    action = moderation.review_remove(moderator=make_moderator(), review=open_review(update), reason_code="spam")
    reports = Report.objects.count()
    for url in (f"/report/update/{update.pk}/", f"/appeals/new/{action.pk}/"):
        response = client.get(url)
        assert response.status_code == 200 and b"This part of Kindred is for members" in response.content
        response = client.post(url, {"reason": "spam", "text": "x"})
        assert b"This part of Kindred is for members" in response.content
    client.force_login(UnverifiedUserFactory())
    for url in (f"/report/update/{update.pk}/", f"/appeals/new/{action.pk}/"):
        assert client.get(url).status_code == 403
        response = client.post(url, {"reason": "spam", "text": "x"})
        assert response.status_code == 403 and b"confirm your email" in response.content
    assert Report.objects.count() == reports and not Appeal.objects.exists()


def test_a_suspended_member_sees_why_they_cannot_report(client):
    member = make_user("suspended")
    client.force_login(member)
    update = UpdateFactory()
    for response in (
        client.get(f"/report/update/{update.pk}/"),
        client.post(f"/report/update/{update.pk}/", {"reason": "spam"}),
    ):
        assert response.status_code == 403
        assert b"Too many adverts" in response.content
        assert f"{member.suspended_until:%-d %B %Y}".encode() in response.content
    assert not Report.objects.exists()


def test_a_suspended_member_can_appeal_their_suspension(client):
    moderator = make_moderator()
    member = UserFactory()
    moderation.report_create(reporter=UserFactory(), item=member, reason="harassment")
    action = moderation.review_suspend(moderator=moderator, review=open_review(member), days=7)
    client.force_login(member)
    notice = Notification.objects.get(recipient=member)
    assert notice.url == f"/appeals/new/{action.pk}/"
    assert client.get(notice.url).status_code == 200
    response = client.post(notice.url, {"text": "Someone else used my phone"})
    assert response.status_code == 302
    assert Appeal.objects.get().action == action


def test_the_report_page_reports_and_goes_back(client, member):
    update = UpdateFactory()
    client.force_login(member)
    response = client.get(f"/report/update/{update.pk}/?next=/activities/{update.pk}/")
    assert response.status_code == 200 and b"Spam or advertising" in response.content
    response = client.post(f"/report/update/{update.pk}/", {"reason": "other", "note": ""})
    assert response.status_code == 400 and not Report.objects.exists()
    response = client.post(f"/report/update/{update.pk}/", {"reason": "spam", "next": f"/activities/{update.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/activities/{update.pk}/"
    response = client.post(f"/report/update/{update.pk}/", {"reason": "medical"})
    assert response.status_code == 400 and b"already reported" in response.content
    assert Report.objects.count() == 1


def test_the_report_that_hides_a_post_does_not_send_the_reporter_to_a_404(client):
    update, question = UpdateFactory(), QuestionFactory()
    for item in (update, question):
        for _ in range(2):
            moderation.report_create(reporter=UserFactory(), item=item, reason="spam")
    client.force_login(UserFactory())
    response = client.post(f"/report/update/{update.pk}/", {"reason": "spam", "next": f"/activities/{update.pk}/"})
    assert response["Location"] == "/activities/" and reload(update).moderation_state == ModerationState.HIDDEN
    url = question.get_absolute_url()
    response = client.post(f"/report/question/{question.pk}/", {"reason": "spam", "next": url})
    assert response["Location"] == "/questions/"


def test_the_report_page_does_not_redirect_off_site(client, member):
    update = UpdateFactory()
    client.force_login(member)
    response = client.get(f"/report/update/{update.pk}/?next=javascript:alert(1)")
    assert b"javascript:" not in response.content
    response = client.post(f"/report/update/{update.pk}/", {"reason": "spam", "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil.example")


def test_reporting_your_own_post_on_the_page_is_refused(client, member):
    update = UpdateFactory(author=member)
    client.force_login(member)
    response = client.post(f"/report/update/{update.pk}/", {"reason": "spam"})
    assert response.status_code == 400 and b"cannot report your own" in response.content


def test_an_item_you_cannot_see_cannot_be_reported(client, member):
    removed = UpdateFactory(moderation_state=ModerationState.REMOVED)
    pending = UpdateFactory(moderation_state=ModerationState.PENDING)
    client.force_login(member)
    for update in (removed, pending):
        assert client.get(f"/report/update/{update.pk}/").status_code == 404
        assert client.post(f"/report/update/{update.pk}/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_a_self_harm_report_shows_where_to_find_help(client, member):
    update = UpdateFactory()
    client.force_login(member)
    response = client.post(f"/report/update/{update.pk}/", {"reason": "self_harm"}, follow=True)
    assert response.redirect_chain[-1][0] == "/crisis/"
    assert b"988" in response.content
    assert open_review(update).reason == ReviewItem.Reason.CRISIS


def test_reporting_a_profile_from_its_page(client, member, other_member):
    client.force_login(member)
    page = client.get(f"/members/{other_member.pk}/")
    assert f"/report/member/{other_member.pk}/".encode() in page.content
    response = client.post(f"/report/member/{other_member.pk}/", {"reason": "harassment"})
    assert response.status_code == 302
    assert open_review(other_member).author == other_member


def test_appeals_are_for_the_member_concerned_only(client, member):
    update = reported_update()
    action = moderation.review_remove(moderator=make_moderator(), review=open_review(update), reason_code="spam")
    client.force_login(member)
    assert client.get(f"/appeals/new/{action.pk}/").status_code == 404
    assert client.post(f"/appeals/new/{action.pk}/", {"text": "x"}).status_code == 404
    client.force_login(update.author)
    assert client.post(f"/appeals/new/{action.pk}/", {"text": "It was fine"}).status_code == 302
    response = client.post(f"/appeals/new/{action.pk}/", {"text": "Again"})
    assert b"already appealed" in response.content
    assert Appeal.objects.count() == 1


# Hidden and pending items as members see them


def test_a_hidden_update_shows_under_review_to_its_author_only(client, member, other_member):
    update = UpdateFactory(author=member)
    for _ in range(3):
        moderation.report_create(reporter=UserFactory(), item=update, reason="spam")
    client.force_login(other_member)
    assert update.text.encode() not in client.get("/activities/").content
    assert client.get(f"/activities/{update.pk}/").status_code == 404
    client.force_login(member)
    response = client.get("/activities/")
    assert update.text.encode() in response.content and b"Under review" in response.content


def test_pending_posts_show_waiting_for_a_moderator_to_their_author(client, settings, member, other_member):
    settings.PREMODERATION_FIRST_POSTS = 2
    client.force_login(member)
    response = client.post("/activities/", {"text": "Hello from a new member"}, follow=True)
    assert b"Waiting for a moderator" in response.content
    question = QuestionFactory(author=other_member)
    response = client.post(question.get_absolute_url(), {"text": "Walking helped me a lot"}, follow=True)
    assert b"Waiting for a moderator" in response.content
    client.force_login(other_member)
    assert b"Hello from a new member" not in client.get("/activities/").content
    page = client.get(question.get_absolute_url())
    assert b"Walking helped me a lot" not in page.content
    assert reload(question).answer_count == 0


def test_a_moderator_note_shows_under_the_item(client, member):
    moderator = make_moderator()
    article = PublishedArticleFactory(title="Supplements during treatment")
    update = reported_update()
    client.force_login(moderator)
    client.post(
        f"/moderation/review/{open_review(update).pk}/",
        {"action": "note", "note": "Evidence differs.", "article": article.pk},
    )
    client.force_login(member)
    response = client.get(f"/activities/{update.pk}/")
    assert b"Note from the moderators" in response.content and b"Evidence differs." in response.content
    assert (
        b"Supplements during treatment" in response.content and article.get_absolute_url().encode() in response.content
    )


# Suspension and bans


def suspended_posts(update, question, answer):
    return [
        ("/activities/", {"text": "Posting while suspended"}),
        (f"/activities/{update.pk}/edit/", {"text": "Edited while suspended"}),
        (f"/activities/{update.pk}/comments/", {"text": "Commenting while suspended"}),
        (f"/activities/{update.pk}/react/", {"kind": "hug"}),
        (f"/report/update/{update.pk}/", {"reason": "spam"}),
        (question.get_absolute_url(), {"text": "Answering while suspended"}),
        (f"/questions/{question.pk}/answers/{answer.pk}/comments/", {"text": "Comment on answer"}),
        ("/questions/ask/", {"title": "Can I ask while suspended, please?"}),
    ]


def test_a_suspended_member_reads_but_cannot_post_until_the_suspension_ends(client):
    member = make_user("suspended")
    own = UpdateFactory(author=member)
    answer = AnswerFactory()
    client.force_login(member)
    assert client.get("/activities/").status_code == 200
    assert client.get(answer.question.get_absolute_url()).status_code == 200
    counts = (Update.objects.count(), Reaction.objects.count(), Report.objects.count())
    for url, data in suspended_posts(own, answer.question, answer):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert b"Your account is suspended" in response.content and b"Too many adverts" in response.content, url
    assert (Update.objects.count(), Reaction.objects.count(), Report.objects.count()) == counts
    assert reload(own).text != "Edited while suspended"
    assert not answer.question.answers.exclude(pk=answer.pk).exists()

    member.suspended_until = timezone.now() - timedelta(minutes=1)
    member.save()
    assert client.post("/activities/", {"text": "Back again"}).status_code == 302
    assert client.post(f"/activities/{own.pk}/react/", {"kind": "hug"}).status_code in (200, 302)
    assert client.post(f"/report/update/{UpdateFactory().pk}/", {"reason": "spam"}).status_code == 302


def test_a_banned_member_cannot_log_in_and_sees_why(client):
    banned = make_user("banned")
    response = client.post(reverse("account_login"), {"login": banned.email, "password": PASSWORD})
    assert response.status_code == 403
    assert b"This account is closed" in response.content and b"Selling fake cures" in response.content
    assert "_auth_user_id" not in client.session


def test_a_member_banned_while_logged_in_is_logged_out_on_the_next_request(client):
    moderator = make_moderator()
    update = reported_update()
    author = update.author
    author_client = client.__class__()
    author_client.force_login(author)
    assert author_client.get("/activities/").status_code == 200
    client.force_login(moderator)
    client.post(f"/moderation/review/{open_review(update).pk}/", {"action": "ban", "note": "Scam account"})
    response = author_client.get("/activities/")
    assert response.status_code == 403 and b"Scam account" in response.content
    assert "_auth_user_id" not in author_client.session
    assert author_client.get("/activities/").status_code == 200  # the join invitation, as a visitor


# Crisis care


def test_a_crisis_post_goes_live_and_offers_help(client, member, other_member):
    client.force_login(member)
    response = client.post("/activities/", {"text": "Honestly I want to die some days"}, follow=True)
    assert response.status_code == 200
    assert b'href="/crisis/"' in response.content and b"You are not alone" in response.content
    update = Update.objects.get()
    assert update.is_visible and open_review(update).reason == ReviewItem.Reason.CRISIS
    client.force_login(other_member)
    assert b"I want to die" in client.get("/activities/").content


def test_the_crisis_page_lists_the_resources_to_anyone(client):
    assert CrisisResource.objects.filter(contact__contains="988").exists()
    response = client.get("/crisis/")
    assert response.status_code == 200
    for resource in CrisisResource.objects.all():
        assert resource.name.replace("&", "&amp;").encode() in response.content


def test_staff_edit_crisis_resources_in_the_admin(client):
    staff = make_staff(is_superuser=True)
    resource = CrisisResource.objects.first()
    client.force_login(staff)
    url = f"/admin/community/crisisresource/{resource.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": resource.name,
            "region": resource.region,
            "contact": "Call 988 now",
            "url": resource.url,
            "description": resource.description,
            "position": resource.position,
        },
    )
    assert response.status_code == 302
    assert reload(resource).contact == "Call 988 now"
    assert client.get("/admin/community/crisisresource/add/").status_code == 200


# Actions through the queue: htmx and plain posts


def test_an_htmx_action_returns_the_entry(client):
    moderator = make_moderator()
    update = reported_update()
    review = open_review(update)
    client.force_login(moderator)
    response = client.post(
        f"/moderation/review/{review.pk}/",
        {"action": "remove", "reason_code": "medical", "note": "See our guidelines"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<article class="review')
    assert f'id="review-{review.pk}"'.encode() in response.content and b"<html" not in response.content
    assert b"Done." in response.content
    assert reload(update).moderation_state == ModerationState.REMOVED


def test_an_htmx_error_is_shown_in_the_entry(client):
    moderator = make_moderator()
    review = open_review(reported_update())
    client.force_login(moderator)
    response = client.post(f"/moderation/review/{review.pk}/", {"action": "remove"}, headers={"HX-Request": "true"})
    # htmx swaps 2xx responses only: the message must arrive with one.
    assert response.status_code == 200
    assert b"Please choose the reason" in response.content
    assert reload(review).resolved_at is None


def test_the_entry_after_an_htmx_action_still_offers_articles_for_a_note(client):
    article = PublishedArticleFactory(title="Supplements during treatment")
    moderator = make_moderator()
    review = open_review(reported_update())
    client.force_login(moderator)
    response = client.post(
        f"/moderation/review/{review.pk}/", {"action": "warn", "note": "Be kind"}, headers={"HX-Request": "true"}
    )
    assert article.title.encode() in response.content


def test_a_plain_post_redirects_back_to_the_queue_position(client):
    moderator = make_moderator()
    review = open_review(reported_update())
    client.force_login(moderator)
    response = client.post(
        f"/moderation/review/{review.pk}/", {"action": "approve", "next": "/moderation/?reason=reported"}
    )
    assert response["Location"] == f"/moderation/?reason=reported#review-{review.pk}"
    review2 = open_review(reported_update())
    response = client.post(f"/moderation/review/{review2.pk}/", {"action": "approve", "next": "https://evil.example/"})
    assert response["Location"] == f"/moderation/#review-{review2.pk}"


@pytest.mark.parametrize(
    "data, check",
    [
        ({"action": "edit", "new_text": "Tidied text"}, lambda u, a: reload(u).text == "Tidied text"),
        ({"action": "warn", "note": "Be kind"}, lambda u, a: Notification.objects.filter(recipient=a).exists()),
        ({"action": "suspend", "days": "7", "note": "Spam"}, lambda u, a: reload(a).is_suspended),
        ({"action": "ban", "note": "Scam"}, lambda u, a: reload(a).is_banned),
        ({"action": "note", "note": "Evidence differs"}, lambda u, a: reload(u).moderator_note == "Evidence differs"),
    ],
)
def test_each_action_through_the_queue(client, data, check):
    moderator = make_moderator()
    update = reported_update()
    client.force_login(moderator)
    response = client.post(f"/moderation/review/{open_review(update).pk}/", data)
    assert response.status_code == 302
    assert check(update, update.author)
    assert ModerationAction.objects.get().kind == data["action"]


def test_the_queue_shows_context_reports_history_and_filters(client):
    moderator = make_moderator()
    answer = AnswerFactory(text="Stop chemo and drink juice instead")
    moderation.report_create(reporter=UserFactory(display_name="Rita"), item=answer, reason="medical")
    comment = CommentFactory(update=None, answer=answer, text="Agree with this")
    moderation.report_create(reporter=UserFactory(), item=comment, reason="other", note="Odd")
    client.force_login(moderator)
    response = client.get("/moderation/")
    body = response.content.decode()
    assert answer.question.title in body and "Stop chemo and drink juice instead" in body
    assert "False or dangerous medical claims" in body and "Rita" in body
    assert body.index(f'id="review-{open_review(answer).pk}"') >= 0
    filtered = client.get("/moderation/?kind=comment").content.decode()
    assert "Agree with this" in filtered and "drink juice instead" not in filtered
    assert "Agree with this" not in client.get("/moderation/?reason=crisis").content.decode()


def test_the_audit_log_filters_by_action_and_member(client):
    moderator = make_moderator()
    first, second = reported_update(), reported_update()
    moderation.review_approve(moderator=moderator, review=open_review(first))
    moderation.review_remove(moderator=moderator, review=open_review(second), reason_code="spam")
    edited = reported_update()
    moderation.review_edit(moderator=moderator, review=open_review(edited), new_text="Kinder words")
    client.force_login(moderator)
    body = client.get("/moderation/log/").content.decode()
    assert body.count("<tr>") == 4  # header and three actions
    assert "Kinder words" in body and edited.text in body
    removed = client.get("/moderation/log/?kind=remove").content.decode()
    assert removed.count("<tr>") == 2 and "It was spam or advertising" in removed
    mine = client.get(f"/moderation/log/?member={first.author_id}").content.decode()
    assert mine.count("<tr>") == 2 and first.author.display_name in mine


# The admin looks but never touches the log


def test_the_admin_cannot_add_change_or_delete_log_entries(client, rf):
    from django.contrib import admin

    superuser = make_staff(is_superuser=True)
    moderator = make_moderator()
    update = reported_update()
    action = moderation.review_remove(moderator=moderator, review=open_review(update), reason_code="spam")
    model_admin = admin.site._registry[ModerationAction]
    request = rf.get("/admin/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, action)
    assert not model_admin.has_delete_permission(request, action)
    assert "delete_selected" not in model_admin.get_actions(request)

    client.force_login(superuser)
    changelist = client.get("/admin/community/moderationaction/")
    assert changelist.status_code == 200 and b"delete_selected" not in changelist.content
    change = client.get(f"/admin/community/moderationaction/{action.pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content and b'name="note"' not in change.content
    response = client.post(f"/admin/community/moderationaction/{action.pk}/change/", {"note": "rewritten"})
    assert response.status_code == 403
    assert client.post(f"/admin/community/moderationaction/{action.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/community/moderationaction/add/").status_code == 403
    response = client.post(
        "/admin/community/moderationaction/", {"action": "delete_selected", "_selected_action": [action.pk]}
    )
    assert ModerationAction.objects.filter(pk=action.pk, note="").exists()


# Malformed requests never cause a 500


def test_malformed_moderation_requests(client, member):
    moderator = make_moderator()
    review = open_review(reported_update())
    appeal = pending_appeal()
    client.force_login(moderator)
    act = f"/moderation/review/{review.pk}/"
    requests = [
        ("post", act, {"action": "explode"}, 302),
        ("post", act, {}, 302),
        ("post", act, {"action": "remove"}, 302),
        ("post", act, {"action": "remove", "reason_code": "nonsense"}, 302),
        ("post", act, {"action": "suspend", "days": "5"}, 302),
        ("post", act, {"action": "suspend", "days": "abc"}, 302),
        ("post", act, {"action": "edit", "new_text": ""}, 302),
        ("post", act, {"action": "note", "article": "abc"}, 302),
        ("post", act, {"action": "note", "article": "999999"}, 302),
        ("post", "/moderation/review/999999/", {"action": "approve"}, 404),
        ("post", "/moderation/review/abc/", {"action": "approve"}, 404),
        ("get", act, {}, 405),
        ("post", "/moderation/bulk/", {"action": "explode", "review": ["abc", "1"]}, 302),
        ("post", "/moderation/bulk/", {"action": "approve", "review": ["abc", "-1", "999999"]}, 302),
        ("get", "/moderation/bulk/", {}, 405),
        ("get", "/moderation/", {"page": "abc", "reason": "nope", "kind": "nope"}, 200),
        ("get", "/moderation/", {"page": "9999"}, 200),
        ("get", "/moderation/log/", {"member": "abc", "kind": "nope", "page": "abc"}, 200),
        ("get", "/moderation/appeals/999999/", {}, 404),
        ("post", "/moderation/appeals/999999/", {"decision": "restore"}, 404),
        ("post", f"/moderation/appeals/{appeal.pk}/", {"decision": "whatever", "note": "x" * 5000}, 302),
        ("post", f"/moderation/appeals/{appeal.pk}/", {"decision": "restore"}, 200),
    ]
    for method, url, data, expected in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (method, url, data, response.status_code)
        response = getattr(client, method)(url, data, headers={"HX-Request": "true"})
        assert response.status_code < 500, (method, url, data)
        if url == act and method == "post":
            # Refused without a change, and said so in the entry htmx swaps in.
            assert response.status_code == 200 and b"alert-danger" in response.content, data
    assert reload(review).resolved_at is None and not ModerationAction.objects.filter(member=review.author).exists()

    client.force_login(member)
    update = UpdateFactory()
    for method, url, data, expected in [
        ("get", "/report/unknown/1/", {}, 404),
        ("post", "/report/unknown/1/", {"reason": "spam"}, 404),
        ("get", "/report/update/999999/", {}, 404),
        ("post", f"/report/update/{update.pk}/", {"reason": "bogus"}, 400),
        ("post", f"/report/update/{update.pk}/", {"reason": "other", "note": "x" * 2000}, 400),
        ("get", "/appeals/new/999999/", {}, 404),
        ("post", "/appeals/new/abc/", {"text": "x"}, 404),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (method, url, data, response.status_code)


def test_a_review_whose_item_was_deleted_can_be_closed(client):
    moderator = make_moderator()
    update = reported_update()
    review = open_review(update)
    update.delete()
    client.force_login(moderator)
    assert client.get("/moderation/").status_code == 200
    response = client.post(f"/moderation/review/{review.pk}/", {"action": "approve"})
    assert response.status_code in (302, 400)
    assert ReviewItem.objects.filter(pk=review.pk, content_type=ContentType.objects.get_for_model(Update)).exists()


def test_a_member_cannot_report_what_someone_who_blocked_them_wrote_or_hangs_under(client, member_client, member):
    from community import services

    blocker = UserFactory(display_name="Blocking Bea")
    blockers_update = UpdateFactory(author=blocker)
    services.member_block(blocker=blocker, blocked=member)
    paths = [
        f"/report/update/{blockers_update.pk}/",
        f"/report/question/{QuestionFactory(author=blocker).pk}/",
        f"/report/answer/{AnswerFactory(author=blocker).pk}/",
        f"/report/comment/{CommentFactory(author=blocker).pk}/",
        f"/report/comment/{CommentFactory(update=blockers_update).pk}/",
        f"/report/member/{blocker.pk}/",
    ]
    for path in paths:
        assert member_client.get(path).status_code == 404, path
        assert member_client.post(path, {"reason": "spam"}).status_code == 404, path
    assert not Report.objects.exists() and not ReviewItem.objects.exists()
    assert reload(blockers_update).moderation_state == ModerationState.VISIBLE
