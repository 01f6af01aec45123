from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import (
    Biomarker,
    DigestDelivery,
    EmailPreferences,
    NewsletterSubscription,
    Notification,
    Profile,
    TreatmentType,
    User,
)


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


@admin.register(NewsletterSubscription)
class NewsletterSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "created_at", "confirmed_at", "unsubscribed_at", "user"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), ("unsubscribed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "confirmation_sent_at", "confirmed_at", "unsubscribed_at"]


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "digest_frequency", "new_articles", "answers", "replies", "bounced_email", "bounced_at"]
    list_filter = ["digest_frequency", "new_articles", ("bounced_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__display_name", "bounced_email"]
    raw_id_fields = ["user"]
    readonly_fields = ["last_digest_at", "bounced_at", "bounce_reason"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """Every delivery, skip and failure with its reason: nothing is dropped silently."""

    list_display = ["member", "frequency", "period_start", "status", "reason", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "frequency", "period_start"]
    search_fields = ["member__email", "reason", "last_error"]
    raw_id_fields = ["member"]
    readonly_fields = [f.name for f in DigestDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at", "email_status", "emailed_at"]
    list_filter = ["kind", "email_status"]
    raw_id_fields = ["recipient"]
    search_fields = ["recipient__email"]
