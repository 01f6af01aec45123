"""Member-written text: paragraphs, line breaks and safe links, never markup."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from community.text import render_member_text
from tests.community.factories import UpdateFactory


class Tags(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_only_safe_tags(html):
    for tag, attrs in Tags(html).found:
        assert tag in ("p", "br", "a"), tag
        if tag == "a":
            assert set(attrs) == {"href", "rel"} and attrs["rel"] == "nofollow ugc noopener", attrs
            assert attrs["href"].startswith(("http://", "https://", "mailto:")), attrs


def test_markup_is_escaped():
    html = render_member_text('<script>alert("x")</script><b>bold</b><img src=x onerror=alert(1)>')
    assert_only_safe_tags(html)
    assert "<script" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_paragraphs_and_line_breaks():
    html = render_member_text("First line\nsecond line\n\nNew paragraph")
    assert html == "<p>First line<br>second line</p>\n\n<p>New paragraph</p>"


def test_links_get_the_safe_rel():
    html = render_member_text("See https://www.cancer.gov/types/lung for more")
    assert '<a href="https://www.cancer.gov/types/lung" rel="nofollow ugc noopener">' in html


def test_a_written_anchor_is_not_a_link():
    html = render_member_text('<a href="https://evil.example" onclick="x()" style="x">click</a>')
    assert_only_safe_tags(html)
    assert "&lt;a href=" in html and "click&lt;/a&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        '"><svg onload=alert(1)>',
        'https://example.org/"onmouseover=alert(1)//',
        "<iframe src=https://example.org>",
        "www.example.org/<b>x</b>",
        "mail me at someone@example.org",
    ],
)
def test_tricky_input_yields_only_safe_tags(text):
    assert_only_safe_tags(render_member_text(text))


@pytest.mark.parametrize(
    "text",
    ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x"],
)
def test_dangerous_schemes_are_not_linked(text):
    html = render_member_text(text)
    assert "<a" not in html and "href" not in html


def test_a_long_url_is_shortened_but_kept_whole_in_the_href():
    url = "https://example.org/" + "a" * 100
    html = render_member_text(url)
    assert f'href="{url}"' in html and "…" in html


@pytest.mark.django_db
def test_the_feed_shows_member_text_escaped_and_linked(member_client, other_member):
    UpdateFactory(author=other_member, text="<script>alert(1)</script> read https://example.org/x")
    page = member_client.get(reverse("activity_list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="https://example.org/x" rel="nofollow ugc noopener">' in page
