"""The publishing workflow. Status changes only through the actions, which call the services,
so the permission checks and the publishing refusals live in one place."""

import difflib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html

from articles import selectors, services
from articles.models import Article, ArticleRevision, Contributor, Reference, SearchSynonym, Topic, Treatment
from articles.permissions import can_publish
from core.read_only_admin import ReadOnlyAdmin


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "topics", "hero_image", "hero_alt",
            "author", "reviewer", "published_at",
        ]  # fmt: skip

    def clean_reviewer(self):
        reviewer = self.cleaned_data.get("reviewer")
        if reviewer is not None and not reviewer.is_medical_reviewer:
            raise ValidationError(
                "%(name)s is not a medical reviewer. Choose a contributor marked as a medical reviewer, "
                "or mark %(name)s as one on their contributor page if they are qualified.",
                params={"name": reviewer.name},
                code="not_medical_reviewer",
            )
        return reviewer

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("hero_image") and not cleaned_data.get("hero_alt", "").strip():
            self.add_error("hero_alt", "Add alt text that describes the hero image for people who cannot see it.")
        return cleaned_data


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review overdue"
    parameter_name = "review_overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue for medical review"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.review_overdue_q())
        if self.value() == "no":
            return queryset.exclude(selectors.review_overdue_q())
        return queryset


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 1
    ordering = ["number"]
    fields = ["number", "title", "source", "url", "year"]


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["created_at", "editor", "changed_fields", "is_medical_review"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _run_on_each(modeladmin, request, queryset, service, done: str) -> None:
    succeeded = 0
    for article in queryset:
        try:
            service(actor=request.user, article=article)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            modeladmin.message_user(request, text, messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} article(s) {done}.", messages.SUCCESS)


@admin.action(description="Send selected articles for review", permissions=["change"])
def send_for_review(modeladmin, request, queryset):
    _run_on_each(modeladmin, request, queryset, services.article_submit_for_review, "sent for review")


@admin.action(description="Publish selected articles now (or at their scheduled time)", permissions=["publish"])
def publish_now(modeladmin, request, queryset):
    _run_on_each(modeladmin, request, queryset, services.article_publish, "published or scheduled")


@admin.action(description="Archive selected articles", permissions=["publish"])
def archive(modeladmin, request, queryset):
    _run_on_each(modeladmin, request, queryset, services.article_archive, "archived")


@admin.action(description="Mark selected articles as medically reviewed today", permissions=["publish"])
def mark_reviewed(modeladmin, request, queryset):
    _run_on_each(modeladmin, request, queryset, services.article_mark_reviewed, "marked as medically reviewed")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "author", "reviewer", "published_at", "review_due_at"]
    list_filter = ["status", "topics", ReviewOverdueFilter]
    list_select_related = ["author", "reviewer"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ReferenceInline, ArticleRevisionInline]
    actions = [send_for_review, publish_now, archive, mark_reviewed]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "topics"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt"]}),
        ("People", {"fields": ["author", "reviewer"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "preview_link",
                    "last_reviewed_at",
                    "last_reviewed_by",
                    "review_due_at",
                    "content_updated_at",
                ]
            },
        ),
    ]
    base_readonly_fields = [
        "status",
        "preview_link",
        "last_reviewed_at",
        "last_reviewed_by",
        "review_due_at",
        "content_updated_at",
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj.pk is None:
            return "Save the article first."
        return format_html('<a href="{}">See it exactly as readers will</a>', obj.get_absolute_url())

    def get_readonly_fields(self, request, obj=None):
        if can_publish(request.user):
            return self.base_readonly_fields
        return [*self.base_readonly_fields, "published_at"]

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        # Published articles leave the site by being archived, so readers' links fail gently
        # and the record of what we published stays.
        if obj is not None and obj.status == Article.Status.PUBLISHED and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.article_save_with_revision(actor=request.user, article=obj)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdmin):
    """Revisions are written only when an article is saved; staff read them here."""

    list_display = ["article", "created_at", "editor", "changed_fields", "is_medical_review"]
    list_filter = ["is_medical_review"]
    list_select_related = ["article", "editor"]
    search_fields = ["article__title"]
    fields = ["article", "created_at", "editor", "is_medical_review", "changed_fields", "summary_diff", "body_diff"]
    readonly_fields = fields

    @admin.display(description="Summary changes")
    def summary_diff(self, obj):
        return self._diff(obj.summary_before, obj.summary_after)

    @admin.display(description="Body changes")
    def body_diff(self, obj):
        return self._diff(obj.body_before, obj.body_after)

    @staticmethod
    def _diff(before: str, after: str):
        lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2)
        return format_html("<pre>{}</pre>", "\n".join(lines) or "No change")


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "is_medical_reviewer"]
    list_filter = ["is_medical_reviewer"]
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "biomarker"]
    list_select_related = ["biomarker"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
    list_display = ["generic_name", "brand_names", "drug_class", "target_list", "target_detail"]
    list_filter = ["drug_class", "targets"]
    search_fields = ["generic_name", "brand_names", "target_detail"]
    prepopulated_fields = {"slug": ["generic_name"]}
    filter_horizontal = ["articles"]
    fields = [
        "generic_name",
        "slug",
        "brand_names",
        "drug_class",
        "targets",
        "target_detail",
        "description",
        "articles",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("targets")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "targets":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Targets")
    def target_list(self, obj):
        return ", ".join(biomarker.name for biomarker in obj.targets.all()) or "—"


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "alternatives"]
    search_fields = ["term", "alternatives"]
