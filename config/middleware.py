from django.contrib.auth import SESSION_KEY
from django.utils.cache import add_never_cache_headers, patch_cache_control

from config.views import bad_request

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=(), payment=()"


class PrivacyHeadersMiddleware:
    """Headers every response carries, and no shared caching of anything a member sees."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _signed_in(request):
            # A member's pages hold health details: never stored by a proxy or the browser cache.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request) -> bool:
    # Once the session has been read, it says who is signed in without the member's row, which an
    # answer made from the session and the cache alone (messaging's "anything new?") never reads.
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return SESSION_KEY in session
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class RejectNulBytesMiddleware:
    """A NUL byte has no place in a form or a query string, and PostgreSQL refuses it in text:
    answer 400 up front rather than failing deep in a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in value for data in (request.GET, request.POST) for values in data.lists() for value in values[1]
        ):
            return bad_request(request)
        return self.get_response(request)
