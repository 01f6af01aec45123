from functools import wraps

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.permissions import needs_two_factor


def two_factor_setup_redirect(request):
    messages.info(
        request,
        "People with staff, moderator or editor roles must turn on two-factor authentication "
        "before they can continue. Set it up below; it takes a minute with an authenticator app.",
    )
    return redirect("mfa_activate_totp")


def require_two_factor_for_admin(site):
    """Send admin log-ins through allauth (which asks for the second factor) and keep staff
    without two-factor out of the admin until they have set it up."""
    admin_login = site.login
    has_permission = site.has_permission

    @wraps(admin_login)
    def login(request, extra_context=None):
        if not request.user.is_authenticated:
            next_url = request.GET.get(REDIRECT_FIELD_NAME, reverse("admin:index"))
            return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if needs_two_factor(request.user) and request.user.is_staff:
            return two_factor_setup_redirect(request)
        return admin_login(request, extra_context)

    def has_two_factor_permission(request):
        return has_permission(request) and not needs_two_factor(request.user)

    site.login = login
    site.has_permission = has_two_factor_permission
