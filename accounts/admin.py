from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import Biomarker, Profile, TreatmentType, User


class MemberChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MemberCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "display_name", "password"]}),
        ("Roles", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]


@admin.register(Biomarker)
class BiomarkerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]


@admin.register(TreatmentType)
class TreatmentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    # Health details are not listed or searched here: staff open a profile only when needed.
    list_display = ["user", "updated_at"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user"]
