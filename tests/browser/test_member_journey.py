import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
PASSWORD = "a-walk-by-the-river-2026"


def assert_accessible(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


def test_a_visitor_joins_verifies_logs_in_edits_the_profile_and_logs_out(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connect with others who understand")
    assert_accessible(page, "home")

    page.get_by_role("link", name="Join Kindred, it is free").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    assert_accessible(page, "signup")
    page.get_by_label("Your name as others will see it").fill("Helen")
    page.get_by_label("Email").fill("helen@example.com")
    page.get_by_label("Password (optional)").fill(PASSWORD)
    # The separate, unticked consent to storing health details: Helen gives it, so her profile can hold them.
    consent = page.get_by_label(re.compile("may store health information I choose to share"))
    expect(consent).not_to_be_checked()
    consent.check()
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    code = CODE.search(mail.outbox[-1].body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="Helen")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    assert_accessible(page, "login")
    page.get_by_label("Email").fill("helen@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Helen")).to_be_visible()

    page.get_by_role("link", name="My profile").click()
    assert_accessible(page, "profile-edit")
    page.get_by_label("You are here as").select_option(label="Caregiver or family")
    page.get_by_label("Diagnosis", exact=True).select_option(label="Small cell lung cancer")
    page.get_by_label("ALK", exact=True).check()
    page.get_by_label("Who can see your biomarkers").select_option(label="Only me")
    page.get_by_label("About you").fill("Looking after my dad.")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_text("Small cell lung cancer")).to_be_visible()
    assert_accessible(page, "member-detail")
    helen = User.objects.get(email="helen@example.com")
    assert helen.profile.biomarkers_visibility == "only_me"

    page.get_by_role("button", name="Log out").click()
    page.goto(f"/members/{helen.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert page.console_failures == [], "\n".join(page.console_failures)


def test_a_failed_sign_up_keeps_what_was_typed(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Your name as others will see it").fill("Ivy")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_label("Your name as others will see it")).to_have_value("Ivy")
    expect(page.get_by_label("Email")).to_have_value("not-an-email")
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    assert_accessible(page, "signup-error")
