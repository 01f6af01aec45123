import pytest
from playwright.sync_api import expect

from messaging.models import Message
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_community import log_in_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def looks_right(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name
    assert page.console_failures == [], name


def test_two_members_talk_through_a_message_request(page, live_server):
    ada, ben = UserFactory(display_name="Ada Lovelace"), UserFactory(display_name="Ben")

    # Ada finds Ben's profile and writes first: it goes as a request.
    log_in_as(page, live_server, ada)
    page.goto(f"/members/{ben.pk}/")
    page.get_by_role("link", name="Send a message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Message Ben")
    looks_right(page, "messages-new")
    page.get_by_label("Your message").fill("Hello Ben. Could I ask you about your first scan after treatment?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message is sent as a request")).to_be_visible()
    expect(page.get_by_text("waiting for them")).to_be_visible()
    looks_right(page, "messages-request-sent")

    # Ben sees the request apart, opens it and accepts.
    log_in_as(page, live_server, ben)
    page.goto("/")
    page.get_by_role("link", name="Messages 1 unread").click()
    expect(page.get_by_role("heading", name="Message requests")).to_be_visible()
    looks_right(page, "messages-inbox-request")
    page.get_by_role("link", name="Ada Lovelace").click()
    looks_right(page, "messages-request")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You accepted the request")).to_be_visible()
    page.get_by_label("Your message").fill("Of course. It was nerve-racking, but the results came back quickly.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("the results came back quickly")).to_be_visible()

    # Ada reads the reply and answers; the conversation is in her inbox.
    log_in_as(page, live_server, ada)
    page.goto("/messages/")
    expect(page.get_by_text("New messages")).to_have_count(1)
    looks_right(page, "messages-inbox")
    page.get_by_role("link", name="Ben").first.click()
    page.get_by_label("Your message").fill("Thank you, that helps a lot.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you, that helps a lot.")).to_be_visible()
    looks_right(page, "messages-conversation")
    assert Message.objects.count() == 3
