from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"]
        return super().save_user(request, user, form, commit=commit)
