"""What search engines and link previews read about an article."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Contributor

# Inside <script> only these characters can end the element or start markup.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _person(contributor: Contributor) -> dict:
    person = {"@type": "Person", "name": contributor.name, "url": absolute_url(contributor.get_absolute_url())}
    if contributor.credentials:
        person["honorificSuffix"] = contributor.credentials
    return person


def article_structured_data(*, article: Article) -> dict:
    """schema.org MedicalWebPage for the article; uses only prefetched relations."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "url": absolute_url(article.get_absolute_url()),
        "inLanguage": "en",
        "author": _person(article.author),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
        "about": [{"@type": "Thing", "name": topic.name} for topic in article.topics.all()],
        "citation": [
            {
                "@type": "CreativeWork",
                "name": reference.title,
                "publisher": reference.source,
                **({"url": reference.url} if reference.url else {}),
                **({"datePublished": str(reference.year)} if reference.year else {}),
            }
            for reference in article.references.all()
        ],
    }
    if article.reviewer:
        data["reviewedBy"] = _person(article.reviewer)
    if article.last_reviewed_at:
        data["lastReviewed"] = article.last_reviewed_at.date().isoformat()
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if article.updated_on:
        data["dateModified"] = article.updated_on.isoformat()
    if article.hero_image:
        data["image"] = absolute_url(article.hero_image.url)
    return data


def json_for_script(data: dict) -> SafeString:
    """JSON that cannot close its <script> element, whatever editors typed into a title."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES))  # noqa: S308
