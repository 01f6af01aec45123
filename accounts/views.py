import mimetypes
import posixpath

from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import (
    AccountDeleteForm,
    EmailPreferencesForm,
    PrivacySettingsForm,
    ProfileForm,
    SubscribeForm,
)
from accounts.mail import subscriptions, tokens
from accounts.models import EXPORTS_FOLDER, Profile
from accounts.permissions import is_member
from core.pagination import list_page, page_number

# Media under these folders is public (article images); everything else is members' own.
PUBLIC_MEDIA_PREFIXES = ("articles/", "contributors/")
# Never served here, to anyone: data exports go only through their one-time link.
PRIVATE_MEDIA_PREFIXES = (f"{EXPORTS_FOLDER}/",)


@login_required
def profile_edit(request):
    profile = request.user.profile
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile, user=request.user)
        if form.is_valid():
            avatar = form.cleaned_data.get("avatar")
            services.profile_update(
                actor=request.user,
                member=request.user,
                display_name=form.cleaned_data["display_name"],
                values={
                    name: form.cleaned_data[name] for name in form.fields if name not in ("display_name", "avatar")
                },
                avatar=avatar if isinstance(avatar, UploadedFile) else None,
                remove_avatar=avatar is False,
            )
            messages.success(request, "Your profile is saved.")
            return redirect("member_detail", member_id=request.user.pk)
        messages.error(request, "Your profile is not saved yet: please check the fields marked below.")
    else:
        form = ProfileForm(instance=profile, user=request.user)
    return render(request, "accounts/profile_edit.html", {"form": form, "profile": profile})


@login_required
def notification_list(request):
    if request.method == "POST":
        services.notifications_mark_read(member=request.user)
        messages.success(request, "All notifications are marked as read.")
        return redirect("notification_list")
    page = list_page(selectors.notifications_for(member=request.user), number=page_number(request), size=30)
    return render(request, "accounts/notification_list.html", {"page": page})


@require_GET
def media(request, path: str):
    """Uploaded files, read through the storage (the media folder, or the bucket when several
    machines share one). Members' pictures are for members only, and pages load nothing from
    another host, so every picture comes through here rather than from a public address."""
    # Only the one spelling the site itself links to is served: "articles/../updates/x.webp",
    # "./x", doubled slashes and backslashes name no file here, so they cannot borrow a public
    # folder's name (and its public caching) for a member's picture.
    name = posixpath.normpath(path)
    if name != path or "\\" in name or name.startswith(("/", "..")) or f"{name}/".startswith(PRIVATE_MEDIA_PREFIXES):
        raise Http404
    public = name.startswith(PUBLIC_MEDIA_PREFIXES)
    if not public and not is_member(request.user):
        raise Http404
    try:
        file = default_storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation) as exc:
        raise Http404 from exc
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse(file, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Email: subscriptions, preferences, one-click unsubscribe


# No CSRF token: the form acts for nobody signed in (it reads no session and answers every address
# alike), so a forged post could do only what anyone can do by sending the form themselves, and the
# confirmation email goes out once per address every few minutes however it is sent. Without a
# token, the public pages that carry this form set no cookie and can be cached whole for everyone.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The "new articles by email" form. Whatever the address (new, already subscribed, a
    member's), the answer is the same thank-you page."""
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            return render(request, "accounts/subscribe.html", {"subscribe_form": form}, status=400)
        # Counted per client address with allauth's limiter, which reads the address the way the
        # log-in limits do (TRUSTED_PROXY_COUNT), so one sender cannot mail a list of strangers.
        if not ratelimit.consume(request, action="subscribe"):
            form.add_error(None, "Too many subscription requests from your connection. Please try again in an hour.")
            return render(request, "accounts/subscribe.html", {"subscribe_form": form}, status=429)
        subscriptions.subscription_request(name=form.cleaned_data["name"], email=form.cleaned_data["email"])
        return redirect("subscribe_thanks")
    return render(request, "accounts/subscribe.html", {"subscribe_form": SubscribeForm()})


@require_GET
def subscribe_thanks(request):
    return render(request, "accounts/subscribe_thanks.html")


@require_GET
def subscribe_confirm(request, token: str):
    subscription = subscriptions.subscription_confirm(token=token)
    status = 200 if subscription else 400
    return render(request, "accounts/subscribe_confirmed.html", {"subscription": subscription}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """RFC 8058 one-click unsubscribe: mail clients POST here with no session or CSRF token, so
    this view alone is exempt; the signed token is the authority. GET asks first."""
    if request.method == "POST":
        stopped = subscriptions.unsubscribe(token=token)
        if stopped is None:
            return render(request, "accounts/unsubscribe.html", {"state": "invalid"}, status=400)
        return render(request, "accounts/unsubscribe.html", {"state": "done", "stopped": stopped})
    if tokens.read_unsubscribe_token(token) is None:
        return render(request, "accounts/unsubscribe.html", {"state": "invalid"}, status=400)
    return render(request, "accounts/unsubscribe.html", {"state": "ask", "token": token})


@login_required
def email_preferences(request):
    preferences = subscriptions.email_preferences_get_or_create(request.user)
    consented = selectors.has_health_consent(member=request.user)
    bereaved = request.user.profile.role == Profile.Role.BEREAVED_CARER
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST, instance=preferences, health_consent=consented, bereaved=bereaved)
        if form.is_valid():
            subscriptions.email_preferences_update(actor=request.user, member=request.user, values=form.cleaned_data)
            messages.success(request, "Your email preferences are saved. They apply from the next email.")
            return redirect("email_preferences")
        messages.error(request, "Your preferences are not saved yet: please check the choices below.")
    else:
        form = EmailPreferencesForm(instance=preferences, health_consent=consented, bereaved=bereaved)
    return render(request, "accounts/email_preferences.html", {"form": form, "preferences": preferences})


# Privacy: settings, consent, "download my data", "delete my account"


@login_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request):
    profile = request.user.profile
    consent = selectors.active_health_consent(member=request.user)
    if request.method == "POST":
        form = PrivacySettingsForm(request.POST, instance=profile, health_consent=consent is not None)
        if form.is_valid():
            services.privacy_settings_update(actor=request.user, member=request.user, values=form.cleaned_data)
            messages.success(request, "Your privacy settings are saved.")
            return redirect("privacy_settings")
        messages.error(request, "Your privacy settings are not saved yet: please check the choices below.")
    else:
        form = PrivacySettingsForm(instance=profile, health_consent=consent is not None)
    return render(request, "accounts/privacy_settings.html", {"form": form, "consent": consent})


@login_required
@require_POST
def health_consent(request):
    if request.POST.get("consent") == "give":
        services.health_consent_give(member=request.user)
        messages.success(request, "Thank you. You can now add health details to your profile.")
    elif request.POST.get("consent") == "withdraw":
        services.health_consent_withdraw(member=request.user)
        messages.success(request, "Consent withdrawn. Your health details have been erased from your profile.")
    return redirect("privacy_settings")


@login_required
@require_POST
def data_export_request(request):
    if services.data_export_request(member=request.user) is None:
        messages.info(request, "We are already preparing a copy of your data. Please check your email.")
    else:
        messages.success(
            request, f"We are preparing a copy of your data and will email a link to {request.user.email}."
        )
    return redirect("privacy_settings")


@login_required
@require_GET
def data_export_download(request, token: str):
    """The emailed link: once, for the owner signed in, within its time. Never cached."""
    taken = services.data_export_take(member=request.user, token=token)
    if taken == "unknown":
        raise Http404
    if isinstance(taken, str):
        return render(request, "accounts/data_export_gone.html", {"reason": taken}, status=410)
    response = FileResponse(taken, as_attachment=True, filename="kindred-data.zip", content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """After re-authentication (allauth asks for the password or an emailed code if the last one
    was more than a few minutes ago), the member chooses what happens to what they wrote."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = request.user
        services.account_delete(
            actor=member, member=member, keep_answers_and_comments=form.cleaned_data["what"] == AccountDeleteForm.KEEP
        )
        logout(request)
        return redirect("account_deleted")
    return render(request, "accounts/account_delete.html", {"form": form})


@require_GET
def account_deleted(request):
    return render(request, "accounts/account_deleted.html")
