import html.parser

import pytest

from articles.rendering import render_markdown, sanitize_html

# A script that is never closed swallows the rest of the input, as it would in a browser.
UNCLOSED_SCRIPT = "<script>alert(1)"
HOSTILE_INPUTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1) alt=x>",
    '<p onclick="alert(1)">Click</p>',
    '<a href="javascript:alert(1)">link</a>',
    "[link](javascript:alert(1))",
    "[link](JaVaScRiPt:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">tab trick</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="chart">',
    "![chart](data:image/png;base64,iVBORw0KGgo=)",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body { display: none }</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<svg onload=alert(1)><circle/></svg>",
    '<object data="https://evil.example/x.swf"></object>',
    '<form action="https://evil.example"><input name="password"></form>',
    "<div><b>unclosed <i>nesting</div></b> <p>stray</td></tr>",
    UNCLOSED_SCRIPT,
    "<<script>script>alert(1)<</script>/script>",
    '<img src="https://example.com/x.png" alt="x" onmouseover="alert(1)">',
    "<!-- <script>alert(1)</script> -->",
    '<a href="https://example.com" target="_blank" onfocus="alert(1)">ok</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]
FORBIDDEN = [
    *("<script", "onerror", "onclick", "onload", "onmouseover", "onfocus", "javascript:", "data:", "<iframe"),
    *("<style", "style=", "<svg", "<object", "<form", "<input", "<base", "<meta", "<math", "target="),
]


class TagBalance(html.parser.HTMLParser):
    VOID = {"img", "br", "hr"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS)
def test_hostile_input_comes_out_harmless_and_well_formed(hostile):
    html = render_markdown(f"Intro paragraph.\n\n{hostile}\n\nClosing paragraph.").html.lower()
    for needle in FORBIDDEN:
        assert needle not in html, f"{needle!r} survived in {html!r}"
    parser = TagBalance()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    if hostile != UNCLOSED_SCRIPT:
        assert "closing paragraph." in html


def test_the_allowed_markup_survives():
    rendered = render_markdown(
        '## Heading\n\nSome *emphasis*, **strong** and [a link](https://www.cancer.gov/ "NCI").\n\n'
        "- one\n- two\n\n1. first\n\n> quoted\n\n`code`\n\n| Drug | Kind |\n|---|---|\n| osimertinib | TKI |\n\n"
        '![A CT scanner](https://example.com/ct.png "Scanner")\n\n[mail us](mailto:hello@example.com)'
    )
    html = rendered.html
    for fragment in [
        '<h2 id="heading">Heading</h2>',
        "<em>emphasis</em>",
        "<strong>strong</strong>",
        '<a href="https://www.cancer.gov/" title="NCI" rel="noopener noreferrer">a link</a>',
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<code>code</code>",
        "<table>",
        "<td>osimertinib</td>",
        'alt="A CT scanner"',
        'href="mailto:hello@example.com"',
    ]:
        assert fragment in html


def test_images_without_a_description_are_dropped():
    html = render_markdown("![](https://example.com/a.png) ![  ](https://example.com/b.png) <img src=c.png>").html
    assert "<img" not in html


def test_citations_link_to_the_reference_and_the_first_gets_the_back_link_target():
    rendered = render_markdown("One[^2] two[^1] three[^2].")
    assert rendered.cited_reference_numbers == [2, 1]
    assert rendered.html.count('href="#ref-2"') == 2
    assert rendered.html.count('id="cite-2"') == 1
    assert 'id="cite-1"' in rendered.html


def test_citation_markers_in_code_stay_literal():
    rendered = render_markdown("Write `[^1]` to cite.")
    assert "<code>[^1]</code>" in rendered.html
    assert rendered.cited_reference_numbers == []


def test_table_of_contents_lists_h2_and_h3_and_title_level_headings_become_h2():
    rendered = render_markdown("# Big\n\ntext\n\n## What EGFR means\n\n### In short\n\n#### Too deep")
    assert "<h1" not in rendered.html
    assert rendered.toc == [
        {"level": 2, "id": "big", "name": "Big"},
        {"level": 2, "id": "what-egfr-means", "name": "What EGFR means"},
        {"level": 3, "id": "in-short", "name": "In short"},
    ]


def test_sanitize_keeps_only_the_citation_classes():
    assert sanitize_html('<sup class="citation evil">x</sup><sup class="citation">y</sup><span class="x">z</span>') == (
        '<sup>x</sup><sup class="citation">y</sup><span>z</span>'
    )


def test_citations_read_as_references_to_screen_readers():
    html = render_markdown("Fact[^1].").html
    assert '<a href="#ref-1" rel="noopener noreferrer">[<span class="visually-hidden">reference </span>1]</a>' in html
