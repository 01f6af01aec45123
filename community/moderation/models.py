"""Moderation's records: members' reports, the review queue, the moderators' append-only log,
appeals and the crisis resources. They belong to the `community` app (community/models.py imports
them), so their tables and migrations are community's."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Report(models.Model):
    """A member's report of an item. One open report per member per item."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        MEDICAL = "medical", "False or dangerous medical claims"
        HARASSMENT = "harassment", "Harassment or hate"
        SELF_HARM = "self_harm", "Someone may be at risk of harming themselves"
        PRIVACY = "privacy", "Personal information exposed"
        OTHER = "other", "Something else"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_filed")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=20, choices=Reason)
    note = models.CharField(max_length=1000, blank=True)
    # What the reporter saw (for a private message, the messages before it), kept for the
    # moderator in case the author changes or deletes it: see ModeratedKind.evidence.
    evidence = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_report_per_member_per_item",
            ),
            models.CheckConstraint(condition=~Q(reason="other") | ~Q(note=""), name="report_other_needs_note"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="report_target")]

    def __str__(self):
        return f"{self.get_reason_display()} report by {self.reporter}"


class ReviewItem(models.Model):
    """The one moderation queue: an item (or a member's account) that needs a moderator."""

    class Reason(models.TextChoices):
        REPORTED = "reported", "Reported"
        CRISIS = "crisis", "May be at risk"
        PREMODERATION = "premoderation", "New member's post"
        LINKS = "links", "Held for links"
        SIGNUP = "signup", "New sign-up"
        APPEAL = "appeal", "Appeal"
        MEMORIAL = "memorial", "A member may have died"

    # Urgency: risk of self-harm first, then appeals and reports by score, then the rest by age. A
    # member telling us of a death is answered with care, not in a hurry: last.
    PRIORITY = {
        "crisis": 100,
        "appeal": 30,
        "reported": 20,
        "links": 10,
        "premoderation": 10,
        "signup": 5,
        "memorial": 3,
    }

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items")
    reason = models.CharField(max_length=20, choices=Reason)
    priority = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-priority", "-score", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_review_per_item",
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "-priority", "-score", "created_at"], name="review_queue")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.content_type.model} {self.object_id}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The moderation log is append-only.")

    def delete(self):
        raise PermissionError("The moderation log is append-only.")


class ModerationAction(models.Model):
    """The audit log. Append-only: rows are written once by the moderation services and never
    changed or deleted through the site, the admin or a queryset. Names are kept as text so the
    record outlives the accounts it mentions."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Approved"
        REMOVE = "remove", "Removed"
        EDIT = "edit", "Edited"
        NOTE = "note", "Added a moderator note"
        WARN = "warn", "Warned the author"
        SUSPEND = "suspend", "Suspended the author"
        BAN = "ban", "Banned the author"
        RESTORE = "restore", "Restored after appeal"
        UPHOLD = "uphold", "Upheld after appeal"
        REMEMBER = "remember", "Set memorial status"
        UNREMEMBER = "unremember", "Took memorial status back"
        FAMILY_ARCHIVE = "family_archive", "Gave the family what a remembered member shared"
        MEMORIAL_DELETE = "memorial_delete", "Deleted a remembered member's account at the family's request"

    class ReasonCode(models.TextChoices):
        SPAM = "spam", "It was spam or advertising"
        MEDICAL = "medical", "It made false or dangerous medical claims"
        HARASSMENT = "harassment", "It was unkind, harassing or hateful"
        PRIVACY = "privacy", "It exposed someone's personal information"
        OFF_TOPIC = "off_topic", "It did not belong on Kindred"
        OTHER = "other", "Another reason, explained in the note"
        NONE = "", "No reason needed"

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    moderator_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=Kind)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_actions_received"
    )
    member_name = models.CharField(max_length=60, blank=True)
    reason_code = models.CharField(max_length=20, choices=ReasonCode, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    text_before = models.TextField(blank=True)
    text_after = models.TextField(blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.moderator_name} {self.get_kind_display().lower()} ({self.member_name})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The moderation log is append-only.")
        self.moderator_name = self.moderator_name or (self.moderator.display_name if self.moderator else "")
        self.member_name = self.member_name or (self.member.display_name if self.member else "")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The moderation log is append-only.")


class Appeal(models.Model):
    """A member's appeal against one moderation action; decided by another moderator where possible."""

    class Decision(models.TextChoices):
        RESTORED = "restored", "Restored"
        UPHELD = "upheld", "Upheld"

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals")
    text = models.TextField(max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Appeal by {self.member} against action {self.action_id}"


class CrisisResource(models.Model):
    """A place to get help right now, listed on /crisis/ and edited by staff in the admin."""

    name = models.CharField(max_length=120)
    region = models.CharField(max_length=80, help_text="Where it helps, e.g. “United States” or “Anywhere”.")
    contact = models.CharField(max_length=120, help_text="A phone number or text line, as people should dial it.")
    url = models.URLField(blank=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return f"{self.name} ({self.region})"
