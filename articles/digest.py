"""Articles' part of the digest: new reviewed articles."""

from datetime import datetime

from accounts.mail import digests, tokens
from articles import selectors

# Newer articles than this in one batch would never fit in anyone's section anyway.
BATCH_ARTICLES = 50


class NewArticles:
    def gather(self, *, since: dict[int, datetime]) -> dict[int, dict[str, list[dict]]]:
        articles = (
            selectors.published_articles()
            .filter(published_at__gt=min(since.values()))
            .only("title", "slug", "summary", "published_at")
            .order_by("-published_at", "-pk")[:BATCH_ARTICLES]
        )
        # Each entry, absolute link included, is made once per batch rather than once per member.
        entries = [
            (a.published_at, {"title": a.title, "summary": a.summary, "url": tokens.absolute(a.get_absolute_url())})
            for a in articles
        ]
        return {
            member_id: {"articles": digests.first(entry for published, entry in entries if published > after)}
            for member_id, after in since.items()
        }
