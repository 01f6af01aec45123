from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles import selectors
from articles.seo import absolute_url, article_structured_data, json_for_script
from core.page_cache import visitor_page_cache

ARTICLES_PER_PAGE = 10


@require_GET
@visitor_page_cache(depends_on=("articles",), query_params=("topic", "page"))
def article_list(request):
    topic_slug = request.GET.get("topic")
    topic = selectors.topic_by_slug(slug=topic_slug) if topic_slug else None
    page = Paginator(selectors.article_list(topic=topic), ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/article_list.html",
        {"page": page, "articles": page.object_list, "topic": topic, "topics": selectors.topics()},
    )


@require_GET
@visitor_page_cache(depends_on=("articles", "article:{slug}"))
def article_detail(request, slug: str):
    article = selectors.article_for_viewer(viewer=request.user, slug=slug)
    # A staff preview is never cached: PrivacyHeadersMiddleware marks every signed-in page no-store.
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "references": article.references.all(),
            "related_articles": selectors.related_articles(article=article),
            "canonical_url": absolute_url(article.get_absolute_url()),
            "structured_data": json_for_script(article_structured_data(article=article)),
            "is_preview": not article.is_public,
        },
    )


@require_GET
def contributor_detail(request, contributor_id: int):
    contributor = selectors.contributor_by_id(contributor_id=contributor_id)
    return render(
        request,
        "articles/contributor_detail.html",
        {
            "contributor": contributor,
            "articles": selectors.contributor_articles(contributor=contributor),
            "canonical_url": absolute_url(contributor.get_absolute_url()),
        },
    )
