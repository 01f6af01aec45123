import io
import re

import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from accounts.models import NewsletterSubscription
from articles.models import Article
from tests.articles.factories import (
    ContributorFactory,
    PublishedArticleFactory,
    ReviewerFactory,
    TopicFactory,
    make_editor,
    make_publisher,
)
from tests.browser.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """## Why the test matters

Some lung cancers carry a gene change that a tablet can target[^1].

## What happens next

Your team explains the result at your next visit.
"""


def log_in_as(page, live_server, user) -> None:
    """Staff log in through allauth with a one-time code; the test borrows a session instead."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def choose_action(page, title: str, action: str) -> None:
    page.goto("/admin/articles/article/")
    page.get_by_role("row", name=re.compile(title)).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()


def assert_accessible(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


def test_an_editor_writes_a_publisher_publishes_and_a_visitor_reads(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    hero = tmp_path / "hero.png"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 630), (11, 93, 87)).save(buffer, format="PNG")
    hero.write_bytes(buffer.getvalue())
    ReviewerFactory(name="Grace Okafor", credentials="M.D.")
    ContributorFactory(name="Liam Chen", credentials="R.N.")
    TopicFactory(name="Diagnosis and testing", slug="diagnosis-and-testing")
    editor, publisher = make_editor(), make_publisher()

    # The editor writes the article with its reference and sends it for review.
    log_in_as(page, live_server, editor)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title:").fill("Biomarker testing in plain words")
    page.get_by_label("Summary:").fill("What the test looks for and why it can change your treatment.")
    page.get_by_label("Body:").fill(BODY)
    page.get_by_label("Topics:").select_option(label="Diagnosis and testing")
    page.locator("#id_hero_image").set_input_files(str(hero))
    page.get_by_label("Hero image alt text:").fill("A nurse explains a test result to a patient.")
    page.get_by_label("Author:").select_option(label="Liam Chen, R.N.")
    page.get_by_label("Medical reviewer:").select_option(label="Grace Okafor, M.D.")
    page.locator("#id_references-0-number").fill("1")
    page.locator("#id_references-0-title").fill("Biomarker testing for cancer treatment")
    page.locator("#id_references-0-source").fill("National Cancer Institute")
    page.locator("#id_references-0-url").fill(
        "https://www.cancer.gov/about-cancer/treatment/types/biomarker-testing-cancer-treatment"
    )
    page.locator("#id_references-0-year").fill("2024")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    choose_action(page, "Biomarker testing in plain words", "Send selected articles for review")
    expect(page.get_by_text("1 article(s) sent for review.")).to_be_visible()
    assert Article.objects.get().status == Article.Status.IN_REVIEW
    assert page.get_by_role("option", name=re.compile("Publish")).count() == 0

    # A visitor cannot see it yet.
    page.context.clear_cookies()
    assert page.goto("/articles/biomarker-testing-in-plain-words/").status == 404

    # The publisher publishes it.
    log_in_as(page, live_server, publisher)
    choose_action(
        page, "Biomarker testing in plain words", "Publish selected articles now (or at their scheduled time)"
    )
    expect(page.get_by_text("1 article(s) published or scheduled.")).to_be_visible()

    # A visitor finds it in the list and reads it.
    page.context.clear_cookies()
    page.console_failures.clear()
    page.goto("/articles/")
    assert_accessible(page, "article-list")
    page.get_by_role("link", name="Biomarker testing in plain words").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Biomarker testing in plain words")
    expect(page.locator(".article-byline")).to_contain_text(
        re.compile(
            r"Medically reviewed by Grace Okafor, M\.D\. · Written by Liam Chen, R\.N\. · Updated on \d+ \w+ \d{4}"
        )
    )
    expect(page.get_by_role("img", name="A nurse explains a test result to a patient.")).to_be_visible()
    expect(page.get_by_role("heading", name="References")).to_be_visible()
    expect(page.locator("#ref-1")).to_contain_text("Biomarker testing for cancer treatment")

    page.get_by_role("link", name=re.compile(r"^\[\s*reference\s+1\s*\]$")).click()
    expect(page).to_have_url(re.compile(r"#ref-1$"))
    page.locator("#ref-1").get_by_role("link", name=re.compile("Back to the text")).click()
    expect(page).to_have_url(re.compile(r"#cite-1$"))
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="What happens next").click()
    expect(page).to_have_url(re.compile(r"#what-happens-next$"))
    assert_accessible(page, "article-detail")
    assert page.console_failures == [], "\n".join(page.console_failures)


def test_a_visitor_subscribes_from_a_page_served_from_the_cache(page, live_server, settings):
    settings.VISITOR_PAGE_CACHE_SECONDS = 60
    article = PublishedArticleFactory(title="Questions to ask about a biopsy")
    Client().get(article.get_absolute_url())  # someone else's visit fills the cache

    page.goto(article.get_absolute_url())
    expect(page.get_by_role("heading", name="Questions to ask about a biopsy")).to_be_visible()
    page.get_by_label("Your name").fill("Lena")
    page.get_by_label("Your email address").fill("lena@example.com")
    page.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_text("Thank you for subscribing! Check your inbox to confirm.")).to_be_visible()
    assert NewsletterSubscription.objects.filter(email="lena@example.com").exists()
    # The page's scripts ran under this response's CSP nonce: a stale one would be a console error.
    assert page.console_failures == [], "\n".join(page.console_failures)
