"""Whole pages cached for visitors, never for members.

A page is served from the cache only to a request that is signed out, carries no pending message,
is a plain GET or HEAD without htmx, and asks nothing but the query parameters the view declares.
Anything else (a member, a flash message, a session the view wrote to, a status other than 200)
goes straight to the view and is never stored, so a member never receives a cached page and a
visitor never receives a page rendered for a member.

One per-request value lives in a visitor page: the CSP nonce of its scripts. It is stored as a
placeholder and filled in for each request, so the cached copy is the same for every visitor and
still passes the CSP check. A page holding a CSRF token is never stored: the token belongs to one
visitor's cookie. (The visitor pages' only form, "new articles by email", needs none: see
accounts.views.subscribe. So visitors get these pages without a cookie.)

Pages name the groups they depend on ("articles", "article:<slug>"). Each group has a generation
token in the cache and a page is stored with the tokens it was rendered under, so `invalidate()`
changes a token and every page that showed the group is stale at once. The page and the tokens are
read in one round trip. A token that went missing (eviction, Redis
restart) is replaced by a new random one: an old page can never come back.
"""

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.csp import LazyNonce

NONCE_PLACEHOLDER = b"__kindred_csp_nonce__"
STORED_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Robots-Tag", "Link")


def _generation_key(group: str) -> str:
    return f"vpage-gen:{group}"


def _lookup(page_key: str, groups: list[str]) -> tuple[dict | None, list[str]]:
    """The stored page, if it was stored under the groups' current generations, and those
    generations: one round trip to the cache for both."""
    keys = [_generation_key(group) for group in groups]
    found = cache.get_many([page_key, *keys])
    missing = {key: secrets.token_hex(8) for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=None)
    generations = [found.get(key) or missing[key] for key in keys]
    stored = found.get(page_key)
    if stored is not None and stored["generations"] != generations:
        stored = None
    return stored, generations


def invalidate(*groups: str) -> None:
    """Make every cached page of these groups unreachable, once the current transaction commits
    (a rollback changes nothing a visitor could see)."""
    tokens = {_generation_key(group): secrets.token_hex(8) for group in groups}
    transaction.on_commit(lambda: cache.set_many(tokens, timeout=None))


def _may_use_cache(request: HttpRequest, query_params: frozenset[str]) -> bool:
    return (
        settings.VISITOR_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.headers.get("HX-Request")
        and set(request.GET) <= query_params
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def _page_key(request: HttpRequest) -> str:
    query = "&".join(f"{name}={value}" for name, value in sorted(request.GET.items()))
    return f"vpage:{hashlib.sha256(f'{request.path}?{query}'.encode()).hexdigest()}"


def _nonce_if_used(request: HttpRequest) -> bytes | None:
    nonce = getattr(request, "_csp_nonce", None)
    # Only a nonce the page actually printed is worth replacing; reading an unused one would
    # generate it and add it to the header for nothing.
    if isinstance(nonce, LazyNonce) and nonce:
        return str(nonce).encode()
    return None


def _for_cache(request: HttpRequest, response: HttpResponse, generations: list[str]) -> dict:
    content = response.content
    if nonce := _nonce_if_used(request):
        content = content.replace(b'nonce="' + nonce + b'"', b'nonce="' + NONCE_PLACEHOLDER + b'"')
    headers = {name: response[name] for name in STORED_HEADERS if name in response}
    return {"content": content, "headers": headers, "generations": generations}


def _from_cache(request: HttpRequest, stored: dict) -> HttpResponse:
    content = stored["content"]
    if NONCE_PLACEHOLDER in content:
        content = content.replace(NONCE_PLACEHOLDER, str(request._csp_nonce).encode())
    response = HttpResponse(content)
    for name, value in stored["headers"].items():
        response[name] = value
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # get_token() was called: the page holds a CSRF token tied to this visitor's cookie.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not response.has_header("Cache-Control")
    )


def visitor_page_cache(
    *, depends_on: tuple[str, ...] = (), query_params: tuple[str, ...] = ()
) -> Callable[[Callable], Callable]:
    """Serve this view's visitor pages from the cache. `depends_on` names the groups whose
    `invalidate()` must drop the page; "{name}" is filled from the view's URL arguments."""
    allowed = frozenset(query_params)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _may_use_cache(request, allowed):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            stored, generations = _lookup(key, [group.format(**kwargs) for group in depends_on])
            if stored is not None:
                return _from_cache(request, stored)
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                cache.set(key, _for_cache(request, response, generations), settings.VISITOR_PAGE_CACHE_SECONDS)
            return response

        return wrapper

    return decorator
