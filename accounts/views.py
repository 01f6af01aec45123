import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils._os import safe_join
from django.views.decorators.http import require_GET

from accounts import selectors, services
from accounts.forms import ProfileForm
from accounts.permissions import is_member
from community import selectors as community_selectors

# Media under these folders is public (article images); everything else is members' own.
PUBLIC_MEDIA_PREFIXES = ("articles/", "contributors/")


@login_required
def profile_edit(request):
    profile = request.user.profile
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile, user=request.user)
        if form.is_valid():
            services.profile_update(actor=request.user, profile=profile, form=form)
            messages.success(request, "Your profile is saved.")
            return redirect("member_detail", member_id=request.user.pk)
        messages.error(request, "Your profile is not saved yet: please check the fields marked below.")
    else:
        form = ProfileForm(instance=profile, user=request.user)
    return render(request, "accounts/profile_edit.html", {"form": form, "profile": profile})


@login_required
def member_detail(request, member_id: int):
    profile = selectors.profile_for_viewer(viewer=request.user, member_id=member_id)
    is_owner = profile.user_id == request.user.pk
    # Someone who blocked the viewer is simply not there for them.
    if not is_owner and community_selectors.blocked_by(blocker_id=member_id, viewer_id=request.user.pk):
        raise Http404
    return render(
        request,
        "accounts/member_detail.html",
        {
            "profile": profile,
            "member": profile.user,
            "facts": selectors.profile_facts(viewer=request.user, profile=profile),
            "is_owner": is_owner,
            "relations": None
            if is_owner
            else community_selectors.team_relations(viewer=request.user, member=profile.user),
        },
    )


@login_required
def notification_list(request):
    if request.method == "POST":
        services.notifications_mark_read(member=request.user)
        messages.success(request, "All notifications are marked as read.")
        return redirect("notification_list")
    page = Paginator(selectors.notifications_for(member=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notification_list.html", {"page": page})


@require_GET
def media(request, path: str):
    """Uploaded files. Members' pictures are for members only, so they are not left on a
    public web server; at scale put object storage with signed URLs behind this view."""
    if not path.startswith(PUBLIC_MEDIA_PREFIXES) and not is_member(request.user):
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except (ValueError, SuspiciousFileOperation) as exc:
        raise Http404 from exc
    if not full_path.is_file():
        raise Http404
    content_type, _ = mimetypes.guess_type(full_path.name)
    response = FileResponse(full_path.open("rb"), content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = (
        "public, max-age=86400" if path.startswith(PUBLIC_MEDIA_PREFIXES) else "private, max-age=3600"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
