"""When a member dies. A member tells the moderators (a DeathReport), which changes nothing by
itself; a moderator with two-factor sets the memorial status (accounts.User.remembered_at), which
is logged and can be taken back."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DeathReport(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="death_reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "reporter"], name="death_report_once_per_reporter"),
        ]

    def __str__(self):
        return f"News about {self.member}"

    # What the moderation queue calls the item's author: the member it is about.
    @property
    def author(self):
        return self.member


class BereavementResource(models.Model):
    """Support after a death, listed on /bereavement/ and edited by staff in the admin."""

    name = models.CharField(max_length=120)
    region = models.CharField(max_length=80, help_text="Where it helps, e.g. “United Kingdom” or “Anywhere”.")
    contact = models.CharField(max_length=120, blank=True, help_text="A phone number or an email address.")
    url = models.URLField(blank=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return f"{self.name} ({self.region})"
