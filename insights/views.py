"""/staff/insights/: charts and tables for staff; moderators see the safety part only."""

import csv
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.admin_site import two_factor_setup_redirect
from accounts.permissions import is_moderator, needs_two_factor
from insights.selectors import RANGES, days_from, insight_parts, panel_for


def insights_required(view):
    """Visitors log in; members and editors are refused; staff and moderators without two-factor
    are sent to set it up, as on the moderation pages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if not (request.user.is_staff or is_moderator(request.user)):
            raise PermissionDenied("The insights are for staff and moderators.")
        if needs_two_factor(request.user):
            return two_factor_setup_redirect(request)
        return never_cache(view)(request, *args, **kwargs)

    return wrapper


@insights_required
def insights(request):
    days = days_from(request.GET.get("days"))
    parts, first, last = insight_parts(request.user, days)
    return render(
        request,
        "insights/insights.html",
        {"parts": parts, "days": days, "ranges": RANGES, "first": first, "last": last},
    )


@insights_required
def panel_csv(request, slug: str):
    days = days_from(request.GET.get("days"))
    panel = panel_for(request.user, slug, days)
    if panel is None:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kindred-{slug}-{days}-days.csv"'
    writer = csv.writer(response)
    writer.writerow(panel.header)
    writer.writerows(panel.cells())
    return response
