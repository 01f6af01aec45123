"""Staff insights in the browser: charts drawn from the page's JSON blocks under the strict CSP,
the tables beside them, and the same page still readable with JavaScript off."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from insights.models import DailyFigure
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_community import log_in_as
from tests.community.test_moderation import make_moderator, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS_DRAWN = """() => [...document.querySelectorAll('figure[data-chart]')].map(
    (figure) => !figure.hidden && !!Chart.getChart(figure.querySelector('canvas'))
        && figure.querySelector('canvas').width > 0)"""


def a_month_of_figures():
    today = timezone.localdate()
    rows = []
    for n in range(1, 31):
        day = today - timedelta(days=n)
        rows += [
            DailyFigure(day=day, name="content.updates", value=10 + n % 7),
            DailyFigure(day=day, name="content.answers", value=5 + n % 3),
            DailyFigure(day=day, name="care.asked", value=4),
            DailyFigure(day=day, name="care.answered_24h", value=n % 4),
            DailyFigure(day=day, name="safety.waiting", value=n % 5),
            DailyFigure(day=day, name="safety.reports", key="spam", value=n % 2),
            DailyFigure(day=day, name="members.joined", value=3),
        ]
    DailyFigure.objects.bulk_create(rows)


def test_staff_see_charts_drawn_beside_their_tables(page, live_server):
    a_month_of_figures()
    log_in_as(page, live_server, make_staff(display_name="Sam"))
    page.goto("/staff/insights/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights")
    expect(page.get_by_role("table", name="Posts per day")).to_be_visible()
    page.wait_for_function("() => typeof Chart !== 'undefined'")
    drawn = page.evaluate(CHARTS_DRAWN)
    assert len(drawn) == 10 and all(drawn)
    screenshot(page, "insights-staff")
    assert axe_violations(page) == []
    assert page.console_failures == []

    page.get_by_role("link", name="Last 90 days").click()
    expect(page.get_by_role("link", name="Last 90 days")).to_have_attribute("aria-current", "page")
    assert all(page.evaluate(CHARTS_DRAWN))
    assert page.console_failures == []


def test_a_moderator_sees_the_safety_charts_only(page, live_server):
    a_month_of_figures()
    log_in_as(page, live_server, make_moderator(display_name="Mo"))
    page.goto("/staff/insights/")
    expect(page.get_by_role("heading", name="Safety", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Content")).to_have_count(0)
    assert all(page.evaluate(CHARTS_DRAWN)) and len(page.evaluate(CHARTS_DRAWN)) == 3
    screenshot(page, "insights-moderator")
    assert axe_violations(page) == []
    assert page.console_failures == []


def test_without_javascript_the_tables_carry_everything(browser, live_server, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    a_month_of_figures()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    log_in_as(page, live_server, make_staff(display_name="Sam"))
    page.goto("/staff/insights/")
    expect(page.locator("figure[data-chart]").first).to_be_hidden()
    table = page.get_by_role("table", name="Posts per day")
    expect(table).to_be_visible()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    expect(table.get_by_role("row", name=yesterday)).to_contain_text("11")
    context.close()
