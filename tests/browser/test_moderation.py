"""Trust and safety end to end: three reports hide a post, a moderator removes it, the author appeals,
a second moderator restores it, and the audit log shows every step."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Appeal, ModerationAction, ModerationState, ReviewItem
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_community import log_in_as
from tests.community.factories import UpdateFactory
from tests.factories import ModeratorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POST = "Buy CureAll capsules, they shrank my tumour in a week!"


def assert_accessible(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


def moderator(name: str):
    user = ModeratorFactory(display_name=name)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def moderation_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
    settings.REPORT_HIDE_THRESHOLD = 3
    return settings


def test_reports_removal_appeal_and_restore(page, live_server, moderation_settings):
    long_ago = timezone.now() - timedelta(days=90)
    ada = UserFactory(display_name="Ada", date_joined=long_ago)
    ben = UserFactory(display_name="Ben", date_joined=long_ago)
    reporters = [UserFactory(display_name=name, date_joined=long_ago) for name in ("Cara", "Dev", "Eli")]
    mo, nia = moderator("Mo"), moderator("Nia")
    update = UpdateFactory(author=ada, text=POST)
    # A second, ordinary item so the queue shows more than one entry.
    UpdateFactory(author=ben, text="Thank you all for the soup recipes")

    # Three members report the post through the Report page.
    for number, reporter in enumerate(reporters):
        log_in_as(page, live_server, reporter)
        page.goto(f"/activities/{update.pk}/")
        page.get_by_role("link", name="Report").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Report this update")
        if number == 0:
            assert_accessible(page, "moderation-report-form")
        page.get_by_label("False or dangerous medical claims").check()
        page.get_by_role("button", name="Send report").click()
        expect(page.get_by_text("Thank you for telling us")).to_be_visible()
    update.refresh_from_db()
    assert update.moderation_state == ModerationState.HIDDEN

    # It has disappeared for others; its author still sees it, under review.
    log_in_as(page, live_server, ben)
    page.goto("/activities/")
    expect(page.get_by_text(POST)).to_have_count(0)
    log_in_as(page, live_server, ada)
    page.goto("/activities/")
    expect(page.get_by_text(POST)).to_be_visible()
    expect(page.get_by_text("Under review", exact=False)).to_be_visible()

    # A moderator removes it with a reason, without leaving the queue.
    log_in_as(page, live_server, mo)
    page.goto("/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    review = ReviewItem.objects.get(object_id=update.pk, resolved_at__isnull=True)
    entry = page.locator(f"#review-{review.pk}")
    expect(entry).to_contain_text(POST)
    expect(entry).to_contain_text("Cara")
    assert_accessible(page, "moderation-queue")
    page.evaluate("window.notReloaded = true")
    entry.locator("summary", has_text="Remove").click()
    assert_accessible(page, "moderation-queue-remove-open")
    entry.get_by_label("Reason the author will read").select_option("medical")
    entry.get_by_label("Note to the author (optional)").fill("Please share experience, not cures.")
    entry.get_by_role("button", name="Remove", exact=True).click()
    expect(page.locator(f"#review-{review.pk}")).to_contain_text("Done. The action is in the audit log.")
    assert page.evaluate("window.notReloaded") is True
    update.refresh_from_db()
    assert update.moderation_state == ModerationState.REMOVED

    # The author reads the notice and appeals.
    log_in_as(page, live_server, ada)
    page.goto("/notifications/")
    notice = page.get_by_role("link", name=re.compile("A moderator removed your post"))
    expect(notice).to_contain_text("false or dangerous medical claims")
    notice.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appeal a moderation decision")
    assert_accessible(page, "moderation-appeal-form")
    page.get_by_label("Why do you think the decision was wrong?").fill("I was sharing what happened to me.")
    page.get_by_role("button", name="Send appeal").click()
    expect(page.get_by_text("Your appeal is sent")).to_be_visible()
    assert Appeal.objects.get().member == ada

    # A second moderator restores it.
    log_in_as(page, live_server, nia)
    page.goto("/moderation/?reason=appeal")
    page.get_by_role("link", name="Read and decide the appeal").click()
    expect(page.get_by_text("I was sharing what happened to me.")).to_be_visible()
    page.get_by_label("Message to the member (optional)").fill("You are right, sorry.")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("The appeal is decided")).to_be_visible()
    update.refresh_from_db()
    assert update.moderation_state == ModerationState.VISIBLE

    # The audit log shows all of it.
    page.goto("/moderation/log/")
    rows = page.locator("table.audit-log tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Restored after appeal")
    expect(rows.nth(0)).to_contain_text("Nia")
    expect(rows.nth(1)).to_contain_text("Removed")
    expect(rows.nth(1)).to_contain_text("Mo")
    expect(rows.nth(1)).to_contain_text("Please share experience, not cures.")
    assert_accessible(page, "moderation-log")
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", "moderator__display_name")) == [
        ("remove", "Mo"),
        ("restore", "Nia"),
    ]

    # Everyone sees it again, and the author was told.
    log_in_as(page, live_server, ben)
    page.goto("/activities/")
    expect(page.get_by_text(POST)).to_be_visible()
    log_in_as(page, live_server, ada)
    page.goto("/notifications/")
    expect(page.get_by_text("a moderator restored your post")).to_be_visible()
    assert page.console_failures == []


def test_the_queue_layout_with_every_kind_of_entry(page, live_server, moderation_settings):
    """A full queue at phone and desktop widths: screenshots to look at, and axe."""
    from community.moderation import services as moderation
    from tests.community.factories import AnswerFactory, CommentFactory

    mo = moderator("Mo")
    reporter = UserFactory(display_name="Cara")
    items = [
        UpdateFactory(text="I do not want to be here any more. " * 3),
        AnswerFactory(text="Stop chemo and drink celery juice instead, it cured my aunt. " * 2),
        CommentFactory(text="Call me on 555 0100, my name is Jane Smith and I live at 4 Long Road"),
        UserFactory(display_name="Spammy McSpamface"),
    ]
    for item in items:
        moderation.report_create(reporter=reporter, item=item, reason="other", note="Looks wrong to me " * 4)
    log_in_as(page, live_server, mo)
    page.goto("/moderation/")
    expect(page.locator(".review-row")).to_have_count(4)
    for summary in page.locator(".review-row").first.locator("summary").all():
        summary.click()
    assert_accessible(page, "moderation-queue-full")
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the queue scrolls sideways at {width}px"
    assert page.console_failures == []
