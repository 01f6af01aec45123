from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render

from accounts import services
from accounts.mail import sending


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"]
        user = super().save_user(request, user, form, commit=commit)
        # The separate, unticked consent to storing health details, recorded with the policy version.
        if commit and form.cleaned_data.get("health_consent"):
            services.health_consent_give(member=user)
        return user

    def pre_login(self, request, user, **kwargs):
        # A banned member is told so, with the reason, instead of being logged in.
        if user.is_banned:
            return render(request, "accounts/banned.html", {"member": user}, status=403)
        # A remembered member's account is kept in their memory, not used: nobody signs in to it.
        if user.is_remembered:
            return render(request, "accounts/remembered.html", status=403)
        return super().pre_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        # A password reset or any other account email asked for a remembered member's address:
        # nothing goes to it, as with every email Kindred sends (accounts.mail.sending).
        if sending.goes_to_remembered_member([email]):
            return
        super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request):
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than trusted proxies: the request did not come through
            # them all, so the peer that sent it is the nearest address we can vouch for.
            return request.META["REMOTE_ADDR"]
