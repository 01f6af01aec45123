"""Staff insights read daily roll-ups, never the community's tables: a year of charts is a few
thousand small rows instead of a scan of millions of posts on every page view."""

from django.db import models
from django.utils import timezone


class DailyFigure(models.Model):
    """One figure for one day, e.g. ("content.answers", "") = 41 or ("safety.reports", "spam") = 3.
    Weekly figures are stored on the Monday of their week. Written only by insights.rollups, which
    replaces a day's rows whole, so re-running a day gives the same rows."""

    day = models.DateField()
    name = models.CharField(max_length=60)
    key = models.CharField(max_length=40, blank=True, default="")
    value = models.FloatField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "key", "day"], name="one_figure_per_day")]

    def __str__(self):
        return f"{self.day} {self.name}{'/' + self.key if self.key else ''} = {self.value:g}"
