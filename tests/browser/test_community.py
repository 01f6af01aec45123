import re

import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from community.models import Answer, Comment, Question, Reaction, Update
from tests.browser.conftest import axe_violations, screenshot
from tests.community.factories import QuestionFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hug_button(page, count: int):
    # The name is "Send a hug" and the count, "Send a hug: 1" (or "Send a hug (1)" before the
    # label-in-name fix to the reactions template).
    return page.get_by_role("button", name=re.compile(rf"^Send a hug\W+{count}\W*$"))


def log_in_as(page, live_server, user) -> None:
    """Borrow a session from the test client instead of typing a password every time."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def assert_accessible(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


@pytest.fixture
def community_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
    return settings


def test_a_member_shares_a_picture_and_another_sends_a_hug_and_a_comment(
    page, live_server, community_settings, tmp_path
):
    ada, ben = UserFactory(display_name="Ada"), UserFactory(display_name="Ben")
    photo = tmp_path / "garden.png"
    Image.new("RGB", (900, 600), (90, 160, 80)).save(photo, format="PNG")

    log_in_as(page, live_server, ada)
    page.goto("/activities/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activities")
    assert_accessible(page, "activities-empty")
    page.get_by_label("Share an update").fill("First walk in the garden since chemo.")
    page.locator("summary", has_text="Add a picture").click()
    page.get_by_label("Add a picture (optional)").set_input_files(str(photo))
    page.get_by_label("Describe the picture for people who cannot see it (optional)").fill("Tulips along a garden path")
    page.get_by_role("button", name="Post update").click()
    expect(page.get_by_text("Your update is posted.")).to_be_visible()
    picture = page.get_by_role("img", name="Tulips along a garden path")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") > 0
    update = Update.objects.get()
    assert update.author == ada and update.picture.name.endswith(".webp")
    assert_accessible(page, "activities-posted")

    # Ben sends a hug without a page reload, then comments.
    log_in_as(page, live_server, ben)
    page.goto("/activities/")
    page.evaluate("window.notReloaded = true")
    hug_button(page, 0).click()
    hug = hug_button(page, 1)
    expect(hug).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True
    assert Reaction.objects.filter(member=ben, kind="hug").count() == 1
    assert_accessible(page, "activities-hugged")

    page.get_by_role("link", name="0 comments").click()
    expect(page).to_have_url(re.compile(rf"/activities/{update.pk}/#comments$"))
    page.get_by_label("Write a comment").fill("Those tulips! So glad you got outside.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    expect(page.get_by_text("Those tulips! So glad you got outside.")).to_be_visible()
    assert Comment.objects.get().author == ben
    assert_accessible(page, "update-detail")

    # Ada sees the hug and the comment on her update.
    log_in_as(page, live_server, ada)
    page.goto("/activities/")
    expect(hug_button(page, 1)).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("link", name="1 comment", exact=True)).to_be_visible()
    assert page.console_failures == [], "\n".join(page.console_failures)


def test_a_member_asks_sees_a_similar_question_and_another_answers_and_visitors_see_only_the_title(
    page, live_server, community_settings
):
    ada, ben = UserFactory(display_name="Ada"), UserFactory(display_name="Ben")
    earlier = QuestionFactory(author=ben, title="How do you cope with fatigue during immunotherapy?")

    log_in_as(page, live_server, ada)
    page.goto("/questions/")
    page.get_by_role("link", name="Ask a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a question")
    title = page.get_by_label("Your question")
    title.press_sequentially("Coping with fatigue on immunotherapy", delay=20)
    suggestion = page.get_by_role("link", name=earlier.title)
    expect(suggestion).to_be_visible()
    expect(page.get_by_text("These questions may already have your answer:")).to_be_visible()
    assert_accessible(page, "question-ask-similar")
    title.press_sequentially(", does it get better?", delay=10)
    page.get_by_label("Details (optional)").fill("Second cycle of pembrolizumab and I sleep all afternoon.")
    page.get_by_role("button", name="Post question").click()
    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    question = Question.objects.get(author=ada)
    expect(page.get_by_role("heading", level=1)).to_have_text(question.title)
    assert_accessible(page, "question-detail-asked")

    log_in_as(page, live_server, ben)
    page.goto(question.get_absolute_url())
    expect(page.get_by_text("Second cycle of pembrolizumab")).to_be_visible()
    page.get_by_label("Your answer").fill("It eased for me after the fourth cycle. Short walks helped.")
    page.get_by_role("button", name="Post answer").click()
    expect(page.get_by_text("Thank you: your answer is posted.")).to_be_visible()
    expect(page.get_by_text("It eased for me after the fourth cycle.")).to_be_visible()
    assert Answer.objects.get().author == ben
    assert_accessible(page, "question-detail-answered")

    # A visitor sees the title and the count, never the words or the names.
    page.context.clear_cookies()
    page.goto("/questions/")
    expect(page.get_by_role("link", name=question.title)).to_be_visible()
    assert_accessible(page, "question-list-visitor")
    page.get_by_role("link", name=question.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question.title)
    expect(page.get_by_text("1 answer").first).to_be_visible()
    expect(page.get_by_text("A Kindred member")).to_be_visible()
    body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    for private in ("pembrolizumab", "fourth cycle", "Ada", "Ben"):
        assert private not in body, private
    expect(page.get_by_role("link", name="Join to read and answer")).to_be_visible()
    assert_accessible(page, "question-detail-visitor")
    assert page.console_failures == [], "\n".join(page.console_failures)
