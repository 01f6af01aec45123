"""Telling the moderators that a member has died, and the moderators' two buttons."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from community.moderation.views import moderator_required
from community.views import community_member_required
from memorials import services
from memorials.forms import DeathReportForm, MemorialForm
from memorials.models import BereavementResource


def _refusal(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@community_member_required(suspended_may_post=True)
def death_report_create(request, member_id: int):
    member = get_object_or_404(User, pk=member_id, is_active=True)
    form = DeathReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.death_report_create(reporter=request.user, member=member, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(
                request,
                "Thank you for letting us know, and we are sorry. A moderator will look at it with care; "
                "nothing changes on Kindred until then.",
            )
            return redirect("member_detail", member.pk)
    return render(
        request, "memorials/death_report.html", {"member": member, "form": form}, status=400 if form.errors else 200
    )


@moderator_required
@require_POST
def memorial_set(request, member_id: int):
    member = get_object_or_404(User, pk=member_id, is_active=True)
    form = MemorialForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The family's line can be at most 300 characters.")
        return redirect("moderation_queue")
    try:
        services.memorial_set(moderator=request.user, member=member, line=form.cleaned_data["line"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
        return redirect("moderation_queue")
    messages.success(request, f"{member.display_name} is remembered. Their team have been told. The log has it.")
    return redirect("member_detail", member.pk)


@moderator_required
@require_POST
def memorial_undo(request, member_id: int):
    member = get_object_or_404(User, pk=member_id, is_active=True)
    try:
        services.memorial_undo(moderator=request.user, member=member)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, f"Memorial status taken back: {member.display_name} can sign in again.")
    return redirect("member_detail", member.pk)


@moderator_required
def family_archive(request, member_id: int):
    member = get_object_or_404(User, pk=member_id, is_active=True)
    if request.method != "POST":
        return render(request, "memorials/family.html", {"member": member})
    try:
        archive = services.family_archive_give(moderator=request.user, member=member)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
        return redirect("member_detail", member.pk)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="kindred-shared-by-member-{member.pk}.zip"'
    return response


@moderator_required
@require_POST
def memorial_account_delete(request, member_id: int):
    member = get_object_or_404(User, pk=member_id, is_active=True)
    if request.POST.get("confirm") != "delete":
        messages.error(request, "Tick the box to confirm: deleting cannot be undone.")
        return redirect("memorial_family", member.pk)
    name = member.display_name
    try:
        services.memorial_account_delete(
            moderator=request.user, member=member, keep_answers_and_comments=request.POST.get("keep") == "keep"
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
        return redirect("member_detail", member.pk)
    messages.success(request, f"{name}'s account is deleted, as the family asked. The log keeps the step.")
    return redirect("moderation_queue")


def bereavement(request):
    return render(
        request,
        "memorials/bereavement.html",
        {"resources": BereavementResource.objects.all(), "title": "Support after a death"},
    )
