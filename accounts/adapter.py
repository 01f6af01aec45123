from allauth.account.adapter import DefaultAccountAdapter
from django.shortcuts import render


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        from accounts import services

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
        return super().pre_login(request, user, **kwargs)
