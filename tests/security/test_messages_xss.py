"""Hostile text sent in private messages never runs as script, for the one who wrote it or the one who reads it.

The project's XSS corpus goes through the message box of a new conversation and of a reply, and
through the box that changes a message; the members (and a moderator answering for the team) are
named after payloads too. The conversations are then read as each member: the conversation page, a
message request, a conversation with the moderators, the inbox (which shows the start of each
conversation's last message), the page a refused message comes back on and the page that changes a
message. The server-side test parses every one of those pages for markup that could run; the browser
test goes through the same steps in Chromium, with the Content Security Policy bypassed so that
escaping alone has to hold, and fails if a payload ran, a dialog opened, or the words and names were
not shown exactly as written.
"""

import re
from datetime import timedelta
from math import ceil
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.text import Truncator

from accounts.permissions import acts_as_moderator
from messaging import selectors, services
from messaging.models import Conversation, Message, Participant
from tests.community.test_moderation import make_moderator
from tests.factories import UserFactory
from tests.messaging.helpers import put_on_team
from tests.security.test_xss import _log_in, dangers
from tests.security.world import PAYLOADS, SHORT_PAYLOADS, chunks, established_member, set_profile

# Two messages hold the whole corpus. Under 5,000 characters with room to spare: a browser sends a
# textarea's line breaks as CRLF, which makes the text longer than it was typed.
LETTERS = chunks(PAYLOADS, 4000)
# The inbox shows the first 100 characters of a conversation's last message: one conversation per
# piece lets every payload be the start of a last message.
OPENINGS = chunks(PAYLOADS, 99)


def squeezed(text: str) -> str:
    """Text as a reader sees it: line breaks and runs of spaces are layout, not words."""
    return re.sub(r"\s+", " ", text).strip()


def _conversation(a, b) -> Conversation:
    return selectors.conversation_between(a.pk, b.pk)


def _last_message(conversation: Conversation, author) -> Message:
    return conversation.messages.filter(author=author).order_by("-created_at", "-id").first()


def build_members() -> dict:
    """Ada, Ben, Cara, Dan and a moderator, named after payloads; Dan has started as many
    conversations today as a new member may. Then members whose first message to Ben is a piece of
    the corpus: half of them on Ben's team (a conversation), half not (a message request)."""
    names = {"ada": SHORT_PAYLOADS[0], "ben": SHORT_PAYLOADS[14], "cara": SHORT_PAYLOADS[-1], "dan": SHORT_PAYLOADS[30]}
    # Cara and Dan joined this week: Cara's first message waits with its links shown as words.
    members = {key: UserFactory() if key in ("cara", "dan") else established_member() for key in names}
    for key, member in members.items():
        set_profile(member, display_name=names[key], bio="", location="")
        member.refresh_from_db()
    members["moderator"] = make_moderator(display_name=SHORT_PAYLOADS[20])
    for _ in range(services.DAILY_NEW_CONVERSATIONS_NEW_MEMBER):
        services.message_send(sender=members["dan"], recipient_id=UserFactory().pk, text="Hello")
    # One client for all (each new one sets up the middleware again, and WhiteNoise's is slow to).
    client = Client()
    for number, opening in enumerate(OPENINGS):
        sender = UserFactory()
        if number % 2 == 0:
            put_on_team(members["ben"], sender)
        client.force_login(sender)
        response = client.post(f"/messages/new/?to={members['ben'].pk}", {"text": opening})
        assert response.status_code == 302, (number, response.status_code)
    return members


def converse(pages, ada, ben, cara, dan, moderator) -> None:
    """Every step the members take, with the corpus in each box, and each page they see."""
    # Ada writes to Ben first: not on his team, so it waits as a request. Cara does the same.
    pages.send(ada, f"/messages/new/?to={ben.pk}", LETTERS[0])
    pages.send(cara, f"/messages/new/?to={ben.pk}", LETTERS[1])
    with_ada, with_cara = _conversation(ada, ben), _conversation(cara, ben)
    ada_url, cara_url = f"/messages/{with_ada.pk}/", f"/messages/{with_cara.pk}/"

    # Both sides of a waiting request.
    for member, conversation in ((ada, with_ada), (ben, with_ada), (cara, with_cara), (ben, with_cara)):
        pages.conversation_shows_text(member, conversation)

    # Ben accepts Ada's request and replies twice with the corpus; the second reaches her open page.
    pages.press(ben, ada_url, "Accept", f"/messages/{with_ada.pk}/accept/")
    pages.send(ben, ada_url, LETTERS[1])
    pages.sees_arrive(ada, with_ada, lambda: services.message_send(sender=ben, recipient_id=ada.pk, text=LETTERS[0]))

    # Ben accepts Cara's too, but while he writes, Cara blocks him: his words come back with why.
    pages.press(ben, cara_url, "Accept", f"/messages/{with_cara.pk}/accept/")
    pages.send(
        ben,
        cara_url,
        LETTERS[0],
        refused=True,
        meanwhile=lambda: services.conversation_block(actor=cara, conversation=with_cara),
    )

    # Ada changes her first message, and a reply of hers, into the corpus.
    first = _last_message(with_ada, ada)
    pages.send(ada, f"/messages/message/{first.pk}/edit/", LETTERS[1])
    pages.send(ada, ada_url, "Thank you, Ben.")
    reply = _last_message(with_ada, ada)
    pages.send(ada, f"/messages/message/{reply.pk}/edit/", LETTERS[0])
    # The box that changes a message holds it as it is; once too late to change, the words come back.
    pages.box_holds(ada, f"/messages/message/{first.pk}/edit/", LETTERS[1])
    pages.send(
        ada,
        f"/messages/message/{reply.pk}/edit/",
        LETTERS[1],
        refused=True,
        meanwhile=lambda: Message.objects.filter(pk=reply.pk).update(
            created_at=timezone.now() - services.EDIT_WINDOW - timedelta(minutes=1)
        ),
    )

    # Dan, new today, has started all the conversations he may: his words come back with why.
    pages.send(dan, f"/messages/new/?to={ben.pk}", LETTERS[1], refused=True)

    # Ada writes to the moderators; the moderator answers for the team.
    pages.send(ada, "/messages/new/?to=moderators", LETTERS[1])
    with_team = Conversation.objects.get(with_moderators=True, member_low=ada)
    pages.send(moderator, f"/messages/{with_team.pk}/", LETTERS[0])

    # Hostile values in the query string are never written into the page.
    pages.view(ada, f"{ada_url}?before={quote(PAYLOADS[0])}")
    pages.view(ada, f"/messages/?page={quote(PAYLOADS[14])}")
    pages.view(ada, f"/messages/new/?to={quote(PAYLOADS[0])}", status=403)

    # What each of them reads in the end.
    for member, conversation in (
        (ada, with_ada),
        (ben, with_ada),
        (ben, with_cara),
        (ada, with_team),
        (moderator, with_team),
    ):
        pages.conversation_shows_text(member, conversation)
    for member in (ada, ben, cara, moderator):
        pages.inbox_shows_text(member)


class ServerPages:
    """The steps through Django's test client; every page that comes back is parsed."""

    def __init__(self, committed):
        # The test runs in one transaction: what a service leaves until its commit runs on request.
        self.committed = committed
        self.client = Client()
        self.signed_in = None
        self.found = {}
        self.seen = 0

    def _client(self, member) -> Client:
        if self.signed_in != member.pk:
            self.client.force_login(member)
            self.signed_in = member.pk
        return self.client

    def _check(self, label, response) -> None:
        html = response.content.decode()
        self.seen += 1
        if problems := dangers(html):
            self.found[label] = problems
        assert "<script>window.__xss" not in html.lower(), label

    def view(self, member, url, status=200) -> None:
        response = self._client(member).get(url)
        assert response.status_code == status, (url, response.status_code)
        self._check(url, response)

    def send(self, member, url, text, refused=False, meanwhile=None) -> None:
        if meanwhile:
            meanwhile()
        response = self._client(member).post(url, {"text": text}, follow=True)
        assert response.status_code == (400 if refused else 200), (url, response.status_code)
        self._check(f"sent to {url}", response)

    def press(self, member, url, button, action) -> None:
        response = self._client(member).post(action, follow=True)
        assert response.status_code == 200, action
        self._check(f"pressed {button} on {url}", response)

    def box_holds(self, member, url, text) -> None:
        self.view(member, url)

    def sees_arrive(self, member, conversation, send) -> None:
        page = self._client(member).get(f"/messages/{conversation.pk}/").content.decode()
        stamp = re.search(r'data-stamp="([^"]*)"', page).group(1)
        with self.committed(execute=True):
            message = send()
        response = self._client(member).get(f"/messages/{conversation.pk}/changes/", {"since": stamp})
        assert response.status_code == 200 and f'id="message-{message.pk}"' in response.content.decode()
        self._check(f"changes of {conversation.pk}", response)

    def conversation_shows_text(self, member, conversation) -> None:
        self.view(member, f"/messages/{conversation.pk}/")

    def inbox_shows_text(self, member) -> None:
        for number in range(1, _inbox_pages(member) + 1):
            self.view(member, f"/messages/?page={number}")


def _inbox_pages(member) -> int:
    accepted = Participant.objects.filter(member=member, state=Participant.State.ACCEPTED).count()
    return max(1, ceil(accepted / selectors.INBOX_PAGE))


@pytest.mark.django_db
def test_no_messaging_page_holds_markup_that_could_run(django_capture_on_commit_callbacks):
    pages = ServerPages(django_capture_on_commit_callbacks)
    converse(pages, **build_members())
    assert pages.found == {}
    assert pages.seen > 20
    # Everything was sent: the corpus is in the database as written, not cleaned away.
    texts = "\n".join(Message.objects.values_list("text", flat=True))
    assert all(payload.strip() in texts for payload in PAYLOADS)


class BrowserPages:
    """The same steps in Chromium: a member types into the box and presses the button."""

    def __init__(self, page, live_server):
        self.page = page
        self.live_server = live_server
        self.signed_in = None
        self.ran = {}
        self.not_as_written = []
        self.seen = 0

    def _as(self, member) -> None:
        if self.signed_in != member.pk:
            _log_in(self.page, self.live_server, member)
            self.signed_in = member.pk

    def _check(self, label) -> None:
        page = self.page
        # Hovering and focusing give the event-handler payloads their chance.
        page.mouse.move(200, 300)
        page.keyboard.press("Tab")
        self.seen += 1
        calls = page.evaluate("window.__xssCalls")
        if calls or page.dialogs:
            self.ran[label] = {"calls": calls, "dialogs": list(page.dialogs)}
        page.dialogs.clear()
        # Member text may hold paragraphs, line breaks and links, and nothing else.
        strays = page.eval_on_selector_all(
            ".message__text *:not(p):not(br):not(a), .conversation-row__preview *:not(em)",
            "nodes => nodes.map(n => n.outerHTML.slice(0, 80))",
        )
        if strays:
            self.ran[f"{label} (markup)"] = strays

    def view(self, member, url, status=200) -> None:
        self._as(member)
        response = self.page.goto(url, wait_until="load")
        assert response.status == status, (url, response.status)
        self._check(url)

    def _box(self):
        return self.page.locator("form:has(textarea[name=text]) textarea[name=text]")

    def send(self, member, url, text, refused=False, meanwhile=None) -> None:
        self.view(member, url)
        form = self.page.locator("form:has(textarea[name=text])")
        box = form.locator("textarea[name=text]")
        box.fill(text)
        typed = box.input_value()
        if meanwhile:
            meanwhile()
        if form.get_attribute("hx-post"):
            # Sent without leaving the page: the answer is swapped in (htmx swaps only a success).
            with self.page.expect_response(lambda r: r.request.method == "POST") as answer:
                form.locator("button[type=submit]").click()
            assert answer.value.ok, (url, answer.value.status)
            self.page.wait_for_function(
                "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
            )
        else:
            with self.page.expect_navigation(wait_until="load") as navigation:
                form.locator("button[type=submit]").click()
            assert navigation.value.status == (400 if refused else 200), (url, navigation.value.status)
        self._check(f"sent to {url}")
        if refused:
            # The page says why, and the words are still in the box as they were typed.
            assert self.page.locator(".alert-danger, .invalid-feedback").count() > 0, url
            self._expect(f"box after sending to {url}", squeezed(self._box().input_value()), squeezed(typed))

    def press(self, member, url, button, action) -> None:
        self.view(member, url)
        form = self.page.locator(f'form[action="{action}"]')
        with self.page.expect_navigation(wait_until="load") as navigation:
            form.get_by_role("button", name=button, exact=True).click()
        assert navigation.value.status == 200, action
        self._check(f"pressed {button} on {url}")

    def box_holds(self, member, url, text) -> None:
        self.view(member, url)
        self._expect(f"box on {url}", squeezed(self._box().input_value()), squeezed(text))

    def sees_arrive(self, member, conversation, send) -> None:
        """The member keeps the conversation open while the other writes: the page shows it by itself."""
        self.view(member, f"/messages/{conversation.pk}/")
        message = send()
        self.page.locator(f"#message-{message.pk}").wait_for(state="attached", timeout=15_000)
        self._check(f"message {message.pk} arriving in an open page")

    def _expect(self, label, shown, written) -> None:
        if shown != written:
            self.not_as_written.append((label, shown[:200], written[:200]))

    def conversation_shows_text(self, member, conversation) -> None:
        self.view(member, f"/messages/{conversation.pk}/")
        shown = {
            row["id"]: row
            for row in self.page.eval_on_selector_all(
                "li.message",
                "items => items.map(li => ({id: li.id, who: li.querySelector('.message__who').textContent,"
                " text: li.querySelector('.message__text')?.textContent}))",
            )
        }
        messages = list(conversation.messages.select_related("author"))
        assert len(shown) == len(messages) > 0
        for message in messages:
            row, label = shown[f"message-{message.pk}"], f"message {message.pk} to {member.pk}"
            self._expect(label, squeezed(row["text"]), squeezed(message.text))
            self._expect(f"{label}, from", squeezed(row["who"]), _author_name(member, conversation, message))
        heading = squeezed(self.page.locator(".conversation-header h1").inner_text())
        self._expect(f"heading for {member.pk}", heading, _heading(member, conversation))

    def inbox_shows_text(self, member) -> None:
        rows = {}
        for number in range(1, _inbox_pages(member) + 1):
            self.view(member, f"/messages/?page={number}")
            rows.update(
                self.page.eval_on_selector_all(
                    ".conversation-row",
                    "rows => rows.map(r => [r.querySelector('a').getAttribute('href'),"
                    " r.querySelector('.conversation-row__preview').textContent])",
                )
            )
        listed = _listed_conversations(member)
        assert set(rows) == {f"/messages/{conversation.pk}/" for conversation in listed}
        for conversation in listed:
            last = conversation.messages.order_by("-created_at", "-id").first()
            start = ("You: " if last.author_id == member.pk else "") + Truncator(last.text).chars(100)
            href = f"/messages/{conversation.pk}/"
            self._expect(f"inbox row {href} for {member.pk}", squeezed(rows[href]), squeezed(start))


def _listed_conversations(member) -> list[Conversation]:
    """The conversations the member's inbox lists: theirs (not ignored, not hidden by blocking),
    and for a moderator every member's conversation with the moderators."""
    places = Participant.objects.filter(member=member, hidden_at__isnull=True).exclude(state=Participant.State.IGNORED)
    listed = [place.conversation for place in places.select_related("conversation")]
    if acts_as_moderator(member):
        listed += list(Conversation.objects.filter(with_moderators=True).exclude(member_low=member))
    return listed


def _heading(viewer, conversation) -> str:
    other = conversation.other_member(viewer.pk)
    if conversation.with_moderators:
        return "Kindred moderators" if other is None else f"{other.display_name}, writing to the moderators"
    return other.display_name


def _author_name(viewer, conversation, message) -> str:
    """Who wrote the message, as the viewer is told: the team answers as "Kindred moderators",
    and only moderators see which of them it was."""
    if message.author_id == viewer.pk:
        return "You"
    if conversation.with_moderators and message.author_id != conversation.member_low_id:
        if viewer.pk == conversation.member_low_id:
            return "Kindred moderators"
        return f"Kindred moderators ({message.author.display_name})"
    return conversation.other_member(viewer.pk).display_name


@pytest.fixture
def chromium(browser, live_server, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # An open conversation asks for news every second rather than every 15.
    settings.MESSAGING_CHECK_SECONDS = 1
    # Without the Content Security Policy, injected script would run: escaping is what is tested.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url, bypass_csp=True)
    context.add_init_script(
        "window.__xssCalls = [];"
        "Object.defineProperty(window, '__xss', {value: (n) => window.__xssCalls.push(n), writable: false});"
    )
    page = context.new_page()
    page.dialogs = []
    page.console_messages = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: page.console_messages.append(message.text))
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_payload_in_a_message_runs_in_chromium_and_the_words_show_as_written(chromium, live_server):
    members = build_members()
    pages = BrowserPages(chromium, live_server)
    converse(pages, **members)
    assert pages.ran == {}
    assert pages.not_as_written == []
    assert [m for m in chromium.console_messages if "__xss" in m] == []
    assert pages.seen > 20
    # What was typed in the browser arrived whole: both halves of the corpus, in Ada's two messages.
    typed_by_ada = {
        squeezed(text) for text in Message.objects.filter(author=members["ada"]).values_list("text", flat=True)
    }
    assert {squeezed(LETTERS[0]), squeezed(LETTERS[1])} <= typed_by_ada
