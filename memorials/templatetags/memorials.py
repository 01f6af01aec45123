from django import template

from community.models import Answer, Comment, Question, Update
from memorials.models import DeathReport

register = template.Library()

RECENT = 5


@register.simple_tag
def recent_activity(member) -> list[tuple[str, object]]:
    """The member's newest posts of each kind, newest first, for the moderator deciding about them."""
    rows = []
    for label, model in (("Update", Update), ("Question", Question), ("Answer", Answer), ("Comment", Comment)):
        for item in model.objects.filter(author=member).order_by("-created_at")[:RECENT]:
            rows.append((label, item))
    rows.sort(key=lambda row: row[1].created_at, reverse=True)
    return rows[:RECENT]


@register.simple_tag
def reports_about(member) -> list[DeathReport]:
    return list(DeathReport.objects.filter(member=member).select_related("reporter").order_by("created_at"))
