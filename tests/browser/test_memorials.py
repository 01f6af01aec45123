"""When a member dies, in the browser: a member tells us, a moderator sets the memorial status from
the queue, and the profile reads "Remembered". Screenshots at 360 and 1280 px, axe clean."""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from memorials.models import BereavementResource
from tests.browser.conftest import looks_right
from tests.browser.test_community import log_in_as
from tests.community.factories import UpdateFactory
from tests.factories import ModeratorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_is_remembered(page, live_server):
    maria = UserFactory(display_name="Maria Lopez")
    UpdateFactory(author=maria, text="Planted the tulips today. Tired but happy.")
    friend = UserFactory(display_name="Jo")
    team = ModeratorFactory(display_name="Mod Sam")
    Authenticator.objects.create(user=team, type=Authenticator.Type.TOTP, data={"secret": "x"})
    BereavementResource.objects.create(
        name="A grief support line (demo)", region="Anywhere", contact="0000 000 000", description="Fictional."
    )

    log_in_as(page, live_server, friend)
    page.goto(f"/members/{maria.pk}/")
    page.get_by_role("link", name="Let us know this member has died").click()
    looks_right(page, "memorial-tell-us")
    page.get_by_label("Anything the moderators should know (optional)").fill("Her daughter told our group.")
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.get_by_text("Thank you for letting us know")).to_be_visible()

    log_in_as(page, live_server, team)
    page.goto("/moderation/")
    expect(page.get_by_text("Her daughter told our group.")).to_be_visible()
    looks_right(page, "memorial-queue")
    page.get_by_label("A line from the family (optional)").fill("She made every garden brighter.")
    page.get_by_role("button", name="Set memorial status").click()
    expect(page.get_by_text("She made every garden brighter.")).to_be_visible()

    log_in_as(page, live_server, friend)
    page.goto(f"/members/{maria.pk}/")
    expect(page.get_by_text("Remembered.", exact=False).first).to_be_visible()
    looks_right(page, "memorial-profile")
    page.goto("/activities/")
    expect(page.get_by_text("Remembered").first).to_be_visible()
    page.goto("/bereavement/")
    expect(page.get_by_text("A grief support line (demo)")).to_be_visible()
    looks_right(page, "memorial-bereavement")
