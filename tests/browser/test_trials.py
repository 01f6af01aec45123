"""Clinical trials in the browser: a visitor filters the list and opens a trial; a member sees the
trials that may fit them. Screenshots at 360 and 1280 px, axe clean."""

import pytest
from playwright.sync_api import expect

from accounts.models import Biomarker
from articles.models import Treatment
from tests.browser.conftest import looks_right
from tests.browser.test_community import log_in_as
from tests.factories import UserFactory
from tests.trials.factories import make_trial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_filters_trials_and_reads_one(page, live_server):
    alk = make_trial(
        title="Lorlatinib after progression on an earlier ALK inhibitor, a study with a long descriptive title",
        biomarkers=["ALK"],
        phases=["PHASE2", "PHASE3"],
        countries=["Canada", "United Kingdom", "Australia"],
        treatments=[Treatment.objects.get(slug="lorlatinib")],
    )
    make_trial(title="Osimertinib with chemotherapy", biomarkers=["EGFR"], countries=["Germany"])
    page.goto("/trials/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recruiting clinical trials")
    looks_right(page, "trials-list")
    page.get_by_label("Biomarker").select_option("ALK")
    page.get_by_role("button", name="Show trials").click()
    expect(page.get_by_text("Osimertinib with chemotherapy")).to_have_count(0)
    page.get_by_role("link", name=alk.brief_title).click()
    expect(page.get_by_text("Only your care team can tell whether a trial fits you.")).to_be_visible()
    expect(page.get_by_role("heading", name="Canada")).to_be_visible()
    looks_right(page, "trials-detail")


def test_a_member_sees_trials_that_may_fit_them(page, live_server):
    member = UserFactory(display_name="Ada")
    member.profile.biomarkers.set(Biomarker.objects.filter(code="ROS1"))
    member.profile.location = "Toronto, Canada"
    member.profile.save()
    make_trial(title="Repotrectinib in ROS1 fusion lung cancer", biomarkers=["ROS1"], countries=["Canada"])
    log_in_as(page, live_server, member)
    page.goto("/trials/")
    section = page.get_by_role("region", name="Trials that may fit you")
    expect(section.get_by_text("Repotrectinib in ROS1 fusion lung cancer")).to_be_visible()
    looks_right(page, "trials-for-you")
