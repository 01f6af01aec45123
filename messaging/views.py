"""Private messages' pages. Everything works by posting a form and reloading the page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from accounts.middleware import refuse_banned
from accounts.models import User
from accounts.permissions import can_post
from community.moderation.screening import mentions_crisis
from community.query_values import whole_number
from community.views import community_member_required, offer_crisis_help
from core.pagination import page_number
from messaging import live, selectors, services
from messaging.forms import MessageForm


def _refusal_text(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@community_member_required
def inbox(request):
    return render(
        request,
        "messaging/inbox.html",
        {
            "page": selectors.inbox_page(viewer=request.user, number=page_number(request)),
            "requests": selectors.requests_for(viewer=request.user),
            "to_moderators": selectors.moderators_inbox(viewer=request.user),
        },
    )


def _list_context(request, place, before: int | None = None) -> dict:
    """What the list of messages needs, for the whole page and for the fragment htmx swaps in."""
    conversation = place.conversation
    message_page = selectors.conversation_messages(conversation=conversation, before_id=before)
    if conversation.with_moderators and place.pk is None:
        # Moderators see which of them answered; the member sees only "Kindred moderators".
        names = selectors.display_names({m.author_id for m in message_page.messages})
        for message in message_page.messages:
            message.team_author_name = names.get(message.author_id, "")
    return {
        "place": place,
        "conversation": conversation,
        "other": place.other,
        "message_page": message_page,
        "edit_after": timezone.now() - services.EDIT_WINDOW,
        # Earlier messages do not change, so a page of them is not kept up to date.
        "live_stamp": live.stamp_for(conversation) if before is None else "",
        "check_every_ms": settings.MESSAGING_CHECK_SECONDS * 1000,
    }


def _conversation_page(request, place, form=None, status=200):
    conversation = place.conversation
    before = whole_number(request.GET.get("before"))
    context = _list_context(request, place, before)
    check = None
    if conversation.with_moderators:
        check = selectors.moderators_send_check(sender=request.user, conversation=conversation)
    elif place.other is not None and place.state == place.State.ACCEPTED:
        check = selectors.send_check(sender=request.user, recipient=place.other, conversation=conversation)
    # A request's "Report" reports the newest message the sender wrote.
    request_message = None
    if place.state != place.State.ACCEPTED:
        theirs = [m for m in context["message_page"].messages if m.author_id != request.user.pk and not m.is_deleted]
        request_message = theirs[-1] if theirs else None
    context.update(
        earlier=before is not None,
        form=form or MessageForm(),
        send_check=check,
        request_message=request_message,
    )
    return render(request, "messaging/conversation.html", context, status=status)


def _send_in(request, place, text: str) -> None:
    conversation = place.conversation
    if conversation.with_moderators:
        services.moderators_message_send(sender=request.user, conversation=conversation, text=text)
    elif place.other is None:
        raise ValidationError("This member has left Kindred, so the conversation is closed.")
    else:
        services.message_send(sender=request.user, recipient_id=place.other.pk, text=text)


@community_member_required(suspended_may_post=True)
def conversation_detail(request, conversation_id: int):
    place = selectors.place_for(viewer=request.user, conversation_id=conversation_id)
    if request.method == "POST" and not place.conversation.with_moderators and not can_post(request.user):
        # Suspended members may still write to the moderators, and only to them.
        return render(request, "community/suspended.html", status=403)
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            try:
                _send_in(request, place, text)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _refusal_text(error))
            else:
                offer_crisis_help(request, text)
                here = reverse("conversation_detail", args=[conversation_id]) + "#newest"
                if not request.htmx:
                    return redirect(here)
                if mentions_crisis(text):
                    # The whole page, so the offer of help shows at once.
                    return HttpResponseClientRedirect(here)
                return render(request, "messaging/_message_list.html", _list_context(request, place))
        if request.htmx:
            # htmx swaps only successful answers: the form, its message and the words, in its own place.
            context = {"form": form, "conversation": place.conversation}
            response = render(request, "messaging/_message_form.html", context)
            return reswap(retarget(response, "#message-form"), "outerHTML")
        return _conversation_page(request, place, form, status=400)
    if request.GET.get("before") is None and place.pk is not None and _has_unread(place):
        services.conversation_mark_read(member=request.user, conversation=place.conversation)
    return _conversation_page(request, place)


@community_member_required(suspended_may_post=True)
def conversation_new(request):
    if request.GET.get("to") == "moderators":
        return _new_to_moderators(request)
    if request.method == "POST" and not can_post(request.user):
        return render(request, "community/suspended.html", status=403)
    recipient_id = whole_number(request.GET.get("to"))
    recipient = (
        User.objects.select_related("profile").filter(pk=recipient_id, is_active=True).first() if recipient_id else None
    )
    check = selectors.send_check(sender=request.user, recipient=recipient)
    if check.conversation is not None:
        return redirect("conversation_detail", check.conversation.pk)
    if not check.allowed:
        return render(request, "messaging/cannot_message.html", {"reason": check.reason}, status=403)
    form = MessageForm(request.POST) if request.method == "POST" else MessageForm()
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        try:
            message = services.message_send(sender=request.user, recipient_id=recipient.pk, text=text)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal_text(error))
        else:
            if check.as_request:
                messages.success(
                    request,
                    f"Your message is sent as a request. {recipient.display_name} will see it and choose whether to "
                    "accept it; until then you cannot send another.",
                )
            offer_crisis_help(request, text)
            return redirect(reverse("conversation_detail", args=[message.conversation_id]) + "#newest")
    return render(
        request,
        "messaging/new.html",
        {"recipient": recipient, "form": form, "as_request": check.as_request},
        status=400 if form.errors else 200,
    )


def conversation_changes(request, conversation_id: int):
    """An open conversation's "anything new?" check (static/js/conversation.js), every 15 seconds
    while the tab is visible: 204 from the session and the cache alone while nothing changed,
    otherwise the list of messages, read as the page reads it."""
    since = request.GET.get("since", "")
    member_id = whole_number(request.session.get(SESSION_KEY))
    if member_id is not None and live.unchanged_for(conversation_id, member_id, since):
        return HttpResponse(status=204)
    return refuse_banned(request) or _changed_list(request, conversation_id)


# The quick answer needs only the session: the middleware that checks for a ban reads the member
# row, so it leaves this view to `_changed_list`, which reads it whenever anything is shown.
conversation_changes.reads_no_member = True


def _has_unread(place) -> bool:
    # Read from the place already loaded: looking again at a read conversation writes nothing.
    return place.last_read_at is None or place.last_read_at < place.conversation.last_message_at


@community_member_required
def _changed_list(request, conversation_id: int):
    place = selectors.place_for(viewer=request.user, conversation_id=conversation_id)
    if place.pk is not None and _has_unread(place):
        services.conversation_mark_read(member=request.user, conversation=place.conversation)
    return render(request, "messaging/_message_list.html", _list_context(request, place))


def _new_to_moderators(request):
    existing = selectors.moderators_conversation(request.user.pk)
    if existing is not None:
        return redirect("conversation_detail", existing.pk)
    if not selectors.may_write_to_moderators(request.user):
        return render(
            request, "messaging/cannot_message.html", {"reason": "Your account cannot send messages."}, status=403
        )
    form = MessageForm(request.POST) if request.method == "POST" else MessageForm()
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        try:
            message = services.moderators_message_send(sender=request.user, text=text)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal_text(error))
        else:
            messages.success(request, "Your message is with the moderators. One of them will answer here.")
            offer_crisis_help(request, text)
            return redirect(reverse("conversation_detail", args=[message.conversation_id]) + "#newest")
    return render(
        request, "messaging/new.html", {"to_moderators": True, "form": form}, status=400 if form.errors else 200
    )


def _post_on_conversation(request, conversation_id: int, action, done: str, go_to_inbox: bool = False):
    place = selectors.place_for(viewer=request.user, conversation_id=conversation_id)
    try:
        action(actor=request.user, conversation=place.conversation)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, done)
    if go_to_inbox:
        return redirect("message_inbox")
    return redirect("conversation_detail", conversation_id)


@community_member_required(suspended_may_post=True)
@require_POST
def request_accept(request, conversation_id: int):
    return _post_on_conversation(
        request, conversation_id, services.request_accept, "You accepted the request. You can write to each other now."
    )


@community_member_required(suspended_may_post=True)
@require_POST
def request_ignore(request, conversation_id: int):
    return _post_on_conversation(
        request,
        conversation_id,
        services.request_ignore,
        "The request is ignored. The sender is not told, and cannot write to you again in it.",
        go_to_inbox=True,
    )


@community_member_required(suspended_may_post=True)
@require_POST
def conversation_block(request, conversation_id: int):
    return _post_on_conversation(
        request,
        conversation_id,
        services.conversation_block,
        "You blocked this member. Neither of you can message the other, and the conversation is hidden from you.",
        go_to_inbox=True,
    )


@community_member_required
def message_edit(request, message_id: int):
    message = selectors.own_message(viewer=request.user, message_id=message_id)
    back = reverse("conversation_detail", args=[message.conversation_id])
    if message.deleted_at is not None:
        return redirect(back)
    form = MessageForm(request.POST) if request.method == "POST" else MessageForm(initial={"text": message.text})
    form.fields["text"].label = "Change your message"
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(actor=request.user, message=message, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal_text(error))
        else:
            messages.success(request, "Your message is changed.")
            return redirect(f"{back}#message-{message.pk}")
    return render(
        request,
        "messaging/edit.html",
        {"message": message, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


@community_member_required(suspended_may_post=True)
@require_POST
def message_delete(request, message_id: int):
    message = selectors.own_message(viewer=request.user, message_id=message_id)
    try:
        services.message_delete(actor=request.user, message=message)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, "Your message is deleted.")
    return redirect("conversation_detail", message.conversation_id)
