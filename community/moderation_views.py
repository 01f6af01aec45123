"""The moderators' pages (queue, audit log) and the members' side of moderation (report, appeal)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.admin_site import two_factor_setup_redirect
from accounts.permissions import can_post, is_moderator, needs_two_factor
from articles.models import Article
from community import moderation, selectors
from community.forms import AppealForm, ReportForm, ReviewActionForm
from community.models import Appeal, CrisisResource, ModerationAction, ReviewItem
from community.views import community_member_required

QUEUE_PAGE_SIZE = 25


def moderator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if not is_moderator(request.user):
            raise PermissionDenied("The moderation pages are for moderators.")
        if needs_two_factor(request.user):
            return two_factor_setup_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def _queue_context(request):
    reason = request.GET.get("reason", "")
    kind = request.GET.get("kind", "")
    page = Paginator(selectors.review_queue(reason=reason, kind=kind), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {
        "page": page,
        "reviews": selectors.review_page_context(page.object_list),
        "reason": reason,
        "kind": kind,
        "reasons": ReviewItem.Reason.choices,
        "kinds": list(selectors.MODERATED_KINDS),
        "action_form": ReviewActionForm(),
        "articles": Article.objects.filter(status=Article.Status.PUBLISHED).only("pk", "title").order_by("title"),
    }


@moderator_required
def queue(request):
    return render(request, "moderation/queue.html", _queue_context(request))


@moderator_required
@require_POST
def review_act(request, review_id: int):
    review = get_object_or_404(ReviewItem.objects.select_related("author"), pk=review_id)
    form = ReviewActionForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            moderation.review_act(moderator=request.user, review=review, **form.action_arguments())
        except (ValidationError, PermissionDenied) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    else:
        error = "Please choose an action and fill in what it needs."
    if request.htmx:
        review.refresh_from_db()
        [review] = selectors.review_page_context([review])
        return render(
            request,
            "moderation/_review.html",
            {"review": review, "error": error, "done": not error, "action_form": form},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Done. The action is in the audit log.")
    return redirect(f"{request.POST.get('next') or '/moderation/'}#review-{review.pk}")


@moderator_required
@require_POST
def review_bulk(request):
    ids = [int(i) for i in request.POST.getlist("review") if i.isdigit()]
    action = request.POST.get("action", "")
    try:
        done = moderation.review_bulk(
            moderator=request.user,
            reviews=ReviewItem.objects.filter(pk__in=ids, resolved_at__isnull=True),
            action=action,
            reason_code=request.POST.get("reason_code", "spam"),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{done} item{'s' if done != 1 else ''} done.")
    return redirect("moderation_queue")


@moderator_required
def audit_log(request):
    member_id = request.GET.get("member", "")
    page = Paginator(
        selectors.moderation_log(
            kind=request.GET.get("kind", ""), member_id=int(member_id) if member_id.isdigit() else None
        ),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/log.html",
        {"page": page, "kinds": ModerationAction.Kind.choices, "kind": request.GET.get("kind", "")},
    )


@moderator_required
def appeal_detail(request, appeal_id: int):
    appeal = get_object_or_404(Appeal.objects.select_related("action", "member", "action__moderator"), pk=appeal_id)
    if request.method == "POST":
        try:
            moderation.appeal_decide(
                moderator=request.user,
                appeal=appeal,
                restore=request.POST.get("decision") == "restore",
                note=request.POST.get("note", "")[:1000],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "The appeal is decided and the member has been told.")
            return redirect("moderation_queue")
    return render(request, "moderation/appeal_detail.html", {"appeal": appeal})


# Members' side


@community_member_required
def report_create(request, kind: str, object_id: int):
    model = moderation.REPORTABLE.get(kind)
    if model is None:
        raise Http404
    item = model.objects.filter(pk=object_id).first()
    if item is None:
        raise Http404
    if not can_post(request.user):
        return render(request, "community/suspended.html", status=403)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.report_create(reporter=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you for telling us. A moderator will look at it soon.")
            if form.cleaned_data["reason"] == "self_harm":
                return redirect("crisis")
            return redirect(request.POST.get("next") or "activity_list")
    return render(
        request,
        "moderation/report_form.html",
        {"form": form, "kind": kind, "item": item, "next": request.GET.get("next", request.POST.get("next", ""))},
        status=400 if form.errors else 200,
    )


@community_member_required
def appeal_create(request, action_id: int):
    action = get_object_or_404(ModerationAction, pk=action_id, member=request.user)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.appeal_create(member=request.user, action=action, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your appeal is sent. A different moderator will look at it.")
            return redirect("notification_list")
    return render(request, "moderation/appeal_form.html", {"form": form, "action": action})


def crisis(request):
    return render(request, "pages/crisis.html", {"resources": CrisisResource.objects.all(), "title": "Help right now"})
