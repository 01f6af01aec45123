from django.utils.cache import add_never_cache_headers, patch_cache_control

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=(), payment=()"


class PrivacyHeadersMiddleware:
    """Headers every response carries, and no shared caching of anything a member sees."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A member's pages hold health details: never stored by a proxy or the browser cache.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response
