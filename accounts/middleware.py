from django.contrib.auth import logout
from django.shortcuts import render


class BannedMemberMiddleware:
    """Ends the session of a member banned, or remembered, while logged in. Checked before the view,
    so that a
    view marked `reads_no_member` (an answer made from the session and the cache alone) does not
    have the member row read for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "reads_no_member", False):
            return None
        return refuse_banned(request)


def refuse_banned(request):
    """The answer to a banned member (their session ended), or None for everyone else. A view
    marked `reads_no_member` calls it itself before it shows anything."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_banned:
        logout(request)
        return render(request, "accounts/banned.html", {"member": user}, status=403)
    if user is not None and user.is_authenticated and user.is_remembered:
        logout(request)
        return render(request, "accounts/remembered.html", status=403)
    return None
