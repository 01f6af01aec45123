from django.contrib import admin

from community.models import Answer, Comment, Question, Update
from community.moderation.models import Appeal, CrisisResource, ModerationAction, Report, ReviewItem
from core.read_only_admin import ReadOnlyAdmin

# Moderation happens in /moderation/, where every action is checked and logged; the admin only
# lets staff look.


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "moderator", "kind", "member", "content_type", "object_id", "reason_code"]
    list_filter = ["kind", "reason_code"]
    search_fields = ["member__display_name", "moderator__display_name", "note"]
    date_hierarchy = "created_at"


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "priority", "score", "content_type", "object_id", "author", "resolved_at"]
    list_filter = ["reason", "resolved_at"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "reporter", "content_type", "object_id", "resolved_at"]
    list_filter = ["reason"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "member", "action", "decision", "decided_by"]


@admin.register(CrisisResource)
class CrisisResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "contact", "position"]
    list_editable = ["position"]


@admin.register(Update, Question, Answer, Comment)
class MemberContentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "author", "moderation_state", "created_at"]
    list_filter = ["moderation_state"]
    search_fields = ["author__display_name"]
