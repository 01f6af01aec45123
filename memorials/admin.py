from django.contrib import admin

from memorials.models import BereavementResource


@admin.register(BereavementResource)
class BereavementResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "contact", "position")
    list_editable = ("position",)
    search_fields = ("name", "region")
