"""Article Markdown to safe HTML, done once when an article is saved.

Staff write the Markdown, but a stolen staff session or a pasted snippet must still not be
able to run script in readers' browsers, so everything Markdown produces (raw HTML included)
goes through nh3 with an explicit allow-list.
"""

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

CITATION_PATTERN = r"\[\^(\d{1,3})\]"

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "em", "strong", "a", "blockquote", "code", "pre",
    "sup", "span", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "sup": {"id", "class"},
    "span": {"class"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Applied to nh3's output, which always writes attributes as name="value".
IMG_TAG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
IMG_HAS_ALT = re.compile(r'\salt="[^"]*[^"\s][^"]*"')
IMG_HAS_SRC = re.compile(r'\ssrc="[^"]+"')
CITATION_CLASSES = {"citation", "visually-hidden"}


@dataclass
class RenderedBody:
    html: str
    toc: list[dict] = field(default_factory=list)
    cited_reference_numbers: list[int] = field(default_factory=list)


class CitationProcessor(InlineProcessor):
    """`[^3]` becomes a superscript link to reference 3; the first citation gets the id the
    reference list links back to."""

    def __init__(self, pattern, md, cited: list[int]):
        super().__init__(pattern, md)
        self.cited = cited

    def handleMatch(self, m, data):
        number = int(m.group(1))
        sup = etree.Element("sup", {"class": "citation"})
        if number not in self.cited:
            self.cited.append(number)
            sup.set("id", f"cite-{number}")
        link = etree.SubElement(sup, "a", {"href": f"#ref-{number}"})
        link.text = "["
        # Screen readers hear "reference 3" where sighted readers see [3].
        hidden = etree.SubElement(link, "span", {"class": "visually-hidden"})
        hidden.text = "reference "
        hidden.tail = f"{number}]"
        return sup, m.start(0), m.end(0)


class DemoteTitleHeadings(Treeprocessor):
    """The page's only h1 is the article title: body headings start at h2."""

    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class ArticleExtension(Extension):
    def __init__(self, cited: list[int]):
        super().__init__()
        self.cited = cited

    def extendMarkdown(self, md):
        md.inlinePatterns.register(CitationProcessor(CITATION_PATTERN, md, self.cited), "kindred_citation", 175)
        # Before the toc extension (priority 5) so that demoted headings get their ids and entries.
        md.treeprocessors.register(DemoteTitleHeadings(md), "kindred_demote_h1", 6)


def _flatten_toc(tokens: list[dict]) -> list[dict]:
    entries = []
    for token in tokens:
        if token["level"] in (2, 3):
            entries.append({"level": token["level"], "id": token["id"], "name": token["name"]})
        entries.extend(_flatten_toc(token["children"]))
    return entries


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return value if value in CITATION_CLASSES else None
    return value


def sanitize_html(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return IMG_TAG.sub(_keep_described_image, cleaned)


def _keep_described_image(match: re.Match) -> str:
    # An image without a description shuts out screen reader users, and one whose source nh3
    # refused (a data: URL, say) shows nothing: drop both.
    tag = match.group(0)
    return tag if IMG_HAS_ALT.search(tag) and IMG_HAS_SRC.search(tag) else ""


def render_markdown(source: str) -> RenderedBody:
    cited: list[int] = []
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "toc", ArticleExtension(cited)],
        extension_configs={"toc": {"toc_depth": "2-3", "permalink": False}},
        output_format="html",
    )
    html = md.convert(source)
    toc = _flatten_toc(md.toc_tokens)
    return RenderedBody(html=sanitize_html(html), toc=toc, cited_reference_numbers=cited)
