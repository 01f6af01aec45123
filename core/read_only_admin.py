from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that lets staff look but not add, change or delete: for records written only
    by a service that checks and logs every change (the moderation log, article revisions)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
