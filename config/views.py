from django.conf import settings
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from accounts import selectors as account_selectors
from accounts.permissions import can_read_community
from articles import selectors as article_selectors
from community import selectors as community_selectors
from config import health
from core.page_cache import visitor_page_cache


@visitor_page_cache(depends_on=("articles",))
def home(request):
    return render(
        request,
        "home.html",
        {
            "member_count": account_selectors.member_count(),
            "latest_articles": article_selectors.latest_articles(limit=3),
            "recent_questions": community_selectors.questions(tab="newest")[:5],
            "can_read": can_read_community(request.user),
        },
    )


@never_cache
def healthz(request):
    status, body = health.report()
    return JsonResponse(body, status=status)


def _error_page(request, template, status):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error_page(request, "errors/400.html", 400)


def permission_denied(request, exception=None):
    return _error_page(request, "errors/403.html", 403)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def page_not_found(request, exception=None):
    return _error_page(request, "errors/404.html", 404)


def server_error(request):
    # No request context: the failure may have come from a context processor or the database.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def benchmark_floor(request):
    """What any page here costs at least: a small template through the same middleware and server,
    no query. bench/load.py reports every page's throughput as a share of this one's. It exists only
    where the operator turned it on."""
    if not settings.BENCHMARK_FLOOR:
        raise Http404
    return render(request, "bench_floor.html")
