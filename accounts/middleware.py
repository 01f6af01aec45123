from django.contrib.auth import logout
from django.shortcuts import render


class BannedMemberMiddleware:
    """Ends the session of a member banned while logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_banned:
            logout(request)
            return render(request, "accounts/banned.html", {"member": user}, status=403)
        return self.get_response(request)
