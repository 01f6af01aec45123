import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from messaging.models import Message
from tests.browser.conftest import looks_right
from tests.browser.test_community import log_in_as
from tests.factories import ModeratorFactory, UserFactory
from tests.messaging.helpers import accepted_conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_an_open_conversation_shows_the_other_member_s_message_without_reloading(page, browser, live_server, settings):
    settings.MESSAGING_CHECK_SECONDS = 1
    ada, ben = UserFactory(display_name="Ada"), UserFactory(display_name="Ben")
    conversation = accepted_conversation(ada, ben, text="Shall we talk about the side effects?")

    log_in_as(page, live_server, ada)
    page.goto(f"/messages/{conversation.pk}/")
    page.evaluate("window.stillTheSamePage = true")
    checks = []
    page.on("request", lambda request: "/changes/" in request.url and checks.append(request.url))

    # Ben writes from his own browser; Ada's open page shows it without reloading.
    ben_context = browser.new_context(base_url=live_server.url)
    ben_page = ben_context.new_page()
    log_in_as(ben_page, live_server, ben)
    ben_page.goto(f"/messages/{conversation.pk}/")
    ben_page.evaluate("window.stillTheSamePage = true")
    ben_page.get_by_label("Your message").fill("Yes please. The rash is the worst part for me.")
    ben_page.get_by_role("button", name="Send").click()
    # Sent with htmx: the message is on Ben's page, the box is empty, and the page never reloaded.
    expect(ben_page.get_by_text("The rash is the worst part for me.")).to_be_visible()
    expect(ben_page.get_by_label("Your message")).to_have_value("")
    assert ben_page.evaluate("window.stillTheSamePage") is True
    ben_context.close()

    expect(page.get_by_text("The rash is the worst part for me.")).to_be_visible(timeout=5000)
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.locator("#message-status")).to_have_text("New message")
    looks_right(page, "messages-live")

    # While the tab is hidden, it stops asking; shown again, it asks at once.
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_timeout(500)
    asked_while_visible = len(checks)
    page.wait_for_timeout(3000)
    assert len(checks) == asked_while_visible
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_timeout(500)
    assert len(checks) > asked_while_visible


def test_a_member_reports_a_message_and_writes_to_the_moderators(page, live_server):
    ada, ben = UserFactory(display_name="Ada"), UserFactory(display_name="Ben")
    conversation = accepted_conversation(ada, ben, text="You should stop your treatment and buy my drops.")

    log_in_as(page, live_server, ben)
    page.goto(f"/messages/{conversation.pk}/")
    page.get_by_role("link", name="Report this message").click()
    page.get_by_label("False or dangerous medical claims").check()
    looks_right(page, "messages-report")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you for telling us")).to_be_visible()
    assert page.url.endswith(f"/messages/{conversation.pk}/")

    page.goto("/messages/")
    page.get_by_role("link", name="Write to the moderators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to the moderators")
    looks_right(page, "messages-to-moderators-new")
    page.get_by_label("Your message").fill("I reported a message about stopping treatment. It upset me.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message is with the moderators")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kindred moderators")
    looks_right(page, "messages-to-moderators")

    # A moderator sees the reported message with what came before it, and the member waiting.
    team = ModeratorFactory(display_name="Mod Sam")
    Authenticator.objects.create(user=team, type=Authenticator.Type.TOTP, data={"secret": "x"})
    log_in_as(page, live_server, team)
    page.goto("/moderation/?kind=message")
    reported = page.get_by_role("list", name="The reported message and the messages before it")
    expect(reported.get_by_text("You should stop your treatment and buy my drops.")).to_be_visible()
    looks_right(page, "moderation-message-report")
    page.goto("/messages/")
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()
    page.get_by_role("link", name=re.compile("Ben")).first.click()
    page.get_by_label("Your message").fill("Thank you for telling us, Ben. We removed it.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("We removed it.")).to_be_visible()
    looks_right(page, "messages-moderators-answer")


def test_a_member_blocks_from_a_conversation_and_it_leaves_their_inbox(page, live_server):
    ada, ben = UserFactory(display_name="Ada"), UserFactory(display_name="Ben")
    conversation = accepted_conversation(ada, ben, text="Why will you not answer me?")
    log_in_as(page, live_server, ben)
    page.goto(f"/messages/{conversation.pk}/")
    page.get_by_text("More options").click()
    page.get_by_role("button", name="Block Ada").click()
    expect(page.get_by_text("You blocked this member")).to_be_visible()
    expect(page.get_by_role("link", name="Ada")).to_have_count(0)
    looks_right(page, "messages-after-block")
    # Ada can no longer write to Ben.
    log_in_as(page, live_server, ada)
    page.goto(f"/messages/{conversation.pk}/")
    expect(page.get_by_text("You cannot send messages to Ben.")).to_be_visible()
