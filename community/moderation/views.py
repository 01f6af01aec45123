"""The moderators' pages (queue, audit log) and the members' side of moderation (report, appeal)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.admin_site import two_factor_setup_redirect
from accounts.models import User
from accounts.permissions import can_post, is_moderator, needs_two_factor
from articles.models import Article
from community.forms import AppealForm, ReportForm, ReviewActionForm
from community.models import Question, Update
from community.moderation import kinds, services
from community.moderation.models import Appeal, CrisisResource, ModerationAction, ReviewItem
from community.moderation.selectors import moderation_log, review_page_context, review_queue
from community.query_values import whole_number
from community.views import _not_for_you, community_member_required, local_url

QUEUE_PAGE_SIZE = 25

# The queue's buttons: each posted action name, the service that does it and the form fields it takes.
REVIEW_ACTIONS = {
    "approve": (services.review_approve, ("note",)),
    "remove": (services.review_remove, ("reason_code", "note")),
    "edit": (services.review_edit, ("new_text", "reason_code", "note")),
    "note": (services.review_note, ("note", "article")),
    "warn": (services.review_warn, ("note",)),
    "suspend": (services.review_suspend, ("days", "note")),
    "ban": (services.review_ban, ("note",)),
}


def _published_articles():
    return Article.objects.filter(status=Article.Status.PUBLISHED).only("pk", "title").order_by("title")


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
    page = Paginator(review_queue(reason=reason, kind=kind), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "reviews": review_page_context(page.object_list),
        "reason": reason,
        "kind": kind,
        "reasons": ReviewItem.Reason.choices,
        "kinds": [kind.name for kind in kinds.every()],
        "action_form": ReviewActionForm(),
        "articles": _published_articles(),
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
        service, fields = REVIEW_ACTIONS[form.cleaned_data["action"]]
        arguments = form.action_arguments()
        try:
            service(moderator=request.user, review=review, **{field: arguments[field] for field in fields})
        except (ValidationError, PermissionDenied) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    else:
        error = "Please choose an action and fill in what it needs."
    if request.htmx:
        review.refresh_from_db()
        [review] = review_page_context([review])
        # Always 200: htmx swaps only successful responses, and the error belongs in the entry.
        return render(
            request,
            "moderation/_review.html",
            {
                "review": review,
                "error": error,
                "done": not error,
                "action_form": ReviewActionForm(),
                "articles": _published_articles(),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Done. The action is in the audit log.")
    back = local_url(request, request.POST.get("next", ""), "/moderation/")
    if not back.startswith("/moderation/"):
        back = "/moderation/"
    return redirect(f"{back.split('#')[0]}#review-{review.pk}")


@moderator_required
@require_POST
def review_bulk(request):
    ids = [i for i in map(whole_number, request.POST.getlist("review")) if i is not None]
    action = request.POST.get("action", "")
    try:
        done = services.review_bulk(
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
        moderation_log(kind=request.GET.get("kind", ""), member_id=whole_number(member_id)),
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
            services.appeal_decide(
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


def _after_report(item, next_url: str) -> str:
    """Back where the member was, unless the report just hid the page they were on."""
    fallback = {"update": "/activities/", "question": "/questions/"}.get(item._meta.model_name, "/activities/")
    if isinstance(item, User):
        return next_url or fallback
    item.refresh_from_db(fields=["moderation_state"])
    own_page = {Update: f"/activities/{item.pk}/", Question: f"/questions/{item.pk}/"}.get(type(item))
    if own_page and not item.is_visible and next_url.startswith(own_page):
        return fallback
    return next_url or fallback


@community_member_required
def report_create(request, kind: str, object_id: int):
    moderated = kinds.by_name(kind)
    item = moderated.reportable(request.user).filter(pk=object_id).first() if moderated else None
    if item is None:
        raise Http404
    next_url = local_url(request, request.POST.get("next") or request.GET.get("next", ""), "")
    if not can_post(request.user):
        return render(request, "community/suspended.html", status=403)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(reporter=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you for telling us. A moderator will look at it soon.")
            if form.cleaned_data["reason"] == "self_harm":
                return redirect("crisis")
            return redirect(_after_report(item, next_url))
    return render(
        request,
        "moderation/report_form.html",
        {"form": form, "kind": kind, "noun": moderated.noun, "item": item, "next": next_url},
        status=400 if form.errors else 200,
    )


def appeal_create(request, action_id: int):
    # Not community_member_required: that refuses suspended members' POSTs, and a suspended
    # member must be able to appeal the suspension itself.
    refused = _not_for_you(request)
    if refused is not None:
        return refused
    action = get_object_or_404(ModerationAction, pk=action_id, member=request.user)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_create(member=request.user, action=action, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your appeal is sent. A different moderator will look at it.")
            return redirect("notification_list")
    return render(request, "moderation/appeal_form.html", {"form": form, "action": action})


def crisis(request):
    return render(request, "pages/crisis.html", {"resources": CrisisResource.objects.all(), "title": "Help right now"})
