"""Member-written text: plain text with paragraphs, line breaks and links, nothing else."""

from functools import lru_cache

import nh3
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe


# A pure function of the text, and the same few posts fill every busy page: each process keeps the
# most recent results instead of running urlize and nh3 again for every reader.
@lru_cache(maxsize=2048)
def render_member_text(text: str) -> SafeString:
    # urlize escapes everything it does not turn into a link; nh3 then keeps only p, br and
    # http(s)/mailto links, and gives every link rel="nofollow ugc noopener".
    html = linebreaks_filter(urlize(text, trim_url_limit=60, nofollow=True, autoescape=True), autoescape=False)
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitized by nh3 just above)


def render_member_text_without_links(text: str) -> SafeString:
    """The same text with its addresses left as words, for a message held until its reader trusts it."""
    return linebreaks_filter(escape(text), autoescape=False)
