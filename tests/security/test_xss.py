"""Hostile text in every field members and staff can write never runs as script.

The server-side test parses every page that shows the payloads; the browser test loads the same
pages in Chromium and fails if any payload's script ran or a dialog opened.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.security.payloads import PAYLOADS
from tests.security.world import build_world

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg", "math"}


class DangerFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            # Browsers ignore whitespace and control characters inside a scheme.
            squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = attributes.get("src") or ""
            if not (src.startswith("/static/") or attributes.get("type") == "application/ld+json"):
                self.problems.append(f"<script {attributes}>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")


def dangers(html: str) -> list[str]:
    finder = DangerFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_corpus_is_big_and_every_runnable_payload_is_numbered():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.django_db
def test_no_page_showing_payloads_contains_markup_that_could_run(settings):
    world = build_world(settings)
    found = {}
    for viewer, pages in ((world.author, world.member_pages()), (world.moderator, world.moderator_pages())):
        client = Client()
        client.force_login(viewer)
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            if problems := dangers(html):
                found[path] = problems
            # Member text is escaped or stripped, never passed through as a raw tag.
            assert "<script>window.__xss" not in html.lower(), path
    assert found == {}


def test_the_checker_itself_sees_what_would_run():
    assert dangers('<img src=x onerror="alert(1)">') == ["<img onerror=…>"]
    assert dangers('<a href=" jav&#x09;ascript:alert(1)">x</a>')
    assert dangers("<script>alert(1)</script>")
    assert dangers('<script src="/static/app.js"></script><script type="application/ld+json">{}</script>') == []


@pytest.fixture
def xss_page(browser, live_server, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
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


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_in_chromium(xss_page, live_server, settings):
    world = build_world(settings)
    ran = {}
    for viewer, pages in ((world.author, world.member_pages()), (world.moderator, world.moderator_pages())):
        _log_in(xss_page, live_server, viewer)
        for path in pages:
            xss_page.goto(path, wait_until="load")
            # Hovering and focusing give the event-handler payloads their chance.
            xss_page.mouse.move(200, 300)
            xss_page.keyboard.press("Tab")
            calls = xss_page.evaluate("window.__xssCalls")
            if calls or xss_page.dialogs:
                ran[path] = {"calls": calls, "dialogs": list(xss_page.dialogs)}
            xss_page.dialogs.clear()
    assert ran == {}
    markers = [m for m in xss_page.console_messages if "__xss" in m and "Content Security Policy" not in m]
    assert markers == []
