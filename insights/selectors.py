"""What the insights page shows: panels of figures read from DailyFigure, each one table that the
page draws as a chart, prints as a table and offers as CSV, all from the same rows.

Who sees which part is decided here (visible_parts) and nowhere else."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from accounts.permissions import is_moderator, needs_two_factor
from community.moderation.models import Report
from insights.models import DailyFigure
from insights.rollups import monday

RANGES = (30, 90, 365)
DEFAULT_RANGE = 30
MISSING = "n/a"  # not rolled up yet, or nothing to measure (a median of no answers)


def days_from(value) -> int:
    """The ?days= value if it is one of the offered ranges, else the default."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_RANGE
    return days if days in RANGES else DEFAULT_RANGE


def can_see_insights(user) -> bool:
    return (user.is_staff or is_moderator(user)) and not needs_two_factor(user)


def visible_parts(user) -> list[str]:
    """Staff see every part; moderators only how moderation is going."""
    if not can_see_insights(user):
        return []
    if user.is_staff:
        return [part.slug for part in PARTS]
    return ["safety"]


@dataclass
class Column:
    label: str
    name: str  # DailyFigure name
    key: str = ""


@dataclass
class Panel:
    slug: str
    title: str
    period: str  # day, week or month
    columns: list[Column]
    chart: str = "line"
    stacked: bool = False
    note: str = ""
    rows: list[list] = field(default_factory=list)  # [period label, value or None, ...]

    @property
    def header(self) -> list[str]:
        return [self.period.capitalize(), *[column.label for column in self.columns]]

    def cells(self) -> list[list[str]]:
        """The table's text, also the CSV's: whole numbers as such, others to one decimal."""
        return [[row[0], *[_text(value) for value in row[1:]]] for row in self.rows]

    def chart_data(self) -> dict:
        return {
            "kind": self.chart,
            "stacked": self.stacked,
            "labels": [row[0] for row in self.rows],
            "series": [
                {"label": column.label, "data": [row[i + 1] for row in self.rows]}
                for i, column in enumerate(self.columns)
            ],
        }


@dataclass
class Part:
    slug: str
    title: str
    intro: str
    panels: list[Panel]


def _text(value) -> str:
    if value is None:
        return MISSING
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _share(part, whole):
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def _parts() -> list[Part]:
    reasons = [Column(label, "safety.reports", key) for key, label in Report.Reason.choices]
    return [
        Part(
            "members",
            "Members",
            "Who joined, and who took part: posted an update or question, answered, commented or reacted.",
            [
                Panel(
                    "members-weekly",
                    "Members per week",
                    "week",
                    [
                        Column("New members", "members.joined"),
                        Column("Active members", "members.active"),
                        Column("Returning (also active the week before)", "members.returning"),
                    ],
                    note="Weeks start on Monday; the first and last week may reach outside the range.",
                )
            ],
        ),
        Part(
            "content",
            "Content",
            "Everything members posted each day, including posts later hidden or removed.",
            [
                Panel(
                    "content-daily",
                    "Posts per day",
                    "day",
                    [
                        Column("Updates", "content.updates"),
                        Column("Questions", "content.questions"),
                        Column("Answers", "content.answers"),
                        Column("Comments", "content.comments"),
                    ],
                )
            ],
        ),
        Part(
            "care",
            "Care",
            "Whether questions get answered, by the day they were asked. An asker's own answer does not count.",
            [
                Panel(
                    "care-shares",
                    "Share of questions answered in time",
                    "day",
                    [
                        Column("Answered within 24 hours (%)", "care.answered_24h"),
                        Column("Answered within 72 hours (%)", "care.answered_72h"),
                    ],
                ),
                Panel(
                    "care-waiting",
                    "Questions left waiting",
                    "day",
                    [
                        Column("Questions asked", "care.asked"),
                        Column("Still unanswered after 72 hours", "care.unanswered_72h"),
                    ],
                    chart="bar",
                    note="The last three days are not over yet: their 72 hours have not all passed.",
                ),
                Panel(
                    "care-speed",
                    "Median time to a first answer",
                    "day",
                    [Column("Median hours to a first answer", "care.median_hours")],
                ),
            ],
        ),
        Part(
            "safety",
            "Safety",
            "Reports, the moderation queue and how quickly people who may be at risk were seen.",
            [
                Panel("safety-reports", "Reports by reason", "day", reasons, chart="bar", stacked=True),
                Panel(
                    "safety-queue",
                    "The moderation queue",
                    "day",
                    [
                        Column("Waiting at the end of the day", "safety.waiting"),
                        Column("Decisions made", "safety.decisions"),
                        Column("Median hours to a decision", "safety.median_hours_to_decision"),
                    ],
                ),
                Panel(
                    "safety-crisis",
                    "Crisis flags",
                    "day",
                    [
                        Column("Crisis flags", "safety.crisis_flags"),
                        Column("Median minutes until a moderator saw it", "safety.crisis_minutes_to_seen"),
                        Column("Not yet seen at the end of the day", "safety.crisis_unseen"),
                    ],
                    chart="bar",
                    note="Seen means a moderator made a decision on the flag.",
                ),
            ],
        ),
        Part(
            "email",
            "Email",
            "Digests and notification emails, and addresses that stopped taking mail.",
            [
                Panel(
                    "email-daily",
                    "Email per day",
                    "day",
                    [
                        Column("Digests sent", "email.digests_sent"),
                        Column("Digests retried", "email.digests_retried"),
                        Column("Digests failed", "email.digests_failed"),
                        Column("Notification emails sent", "email.notifications_sent"),
                        Column("Addresses bounced", "email.bounced"),
                        Column("Newsletter unsubscribes", "email.unsubscribed"),
                    ],
                )
            ],
        ),
        Part(
            "articles",
            "Articles",
            "Reviewed articles published, and published articles past their medical re-review date.",
            [
                Panel(
                    "articles-monthly",
                    "Articles per month",
                    "month",
                    [
                        Column("Published", "articles.published"),
                        Column("Overdue for medical re-review (end of month)", "articles.overdue"),
                    ],
                    chart="bar",
                )
            ],
        ),
    ]


PARTS = _parts()
SNAPSHOTS = {"articles.overdue"}  # a month shows its last day's value, not a sum
SHARE_OF = {"care.answered_24h": "care.asked", "care.answered_72h": "care.asked"}


def date_range(days: int, today: date | None = None) -> tuple[date, date]:
    """The last `days` whole days, ending yesterday (today is not rolled up until it is over)."""
    last = (today or timezone.localdate()) - timedelta(days=1)
    return last - timedelta(days=days - 1), last


def _periods(period: str, first: date, last: date) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of each period touching first..last."""
    periods = []
    if period == "day":
        day = first
        while day <= last:
            periods.append((day.isoformat(), day, day))
            day += timedelta(days=1)
    elif period == "week":
        week = monday(first)
        while week <= last:
            periods.append((week.isoformat(), week, min(week + timedelta(days=6), last)))
            week += timedelta(days=7)
    else:
        month = first.replace(day=1)
        while month <= last:
            following = (month + timedelta(days=32)).replace(day=1)
            periods.append((month.strftime("%Y-%m"), max(month, first), min(following - timedelta(days=1), last)))
            month = following
    return periods


def _fill(panel: Panel, figures: dict, first: date, last: date) -> None:
    for label, start, end in _periods(panel.period, first, last):
        row: list = [label]
        for column in panel.columns:
            days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
            values = [figures[(column.name, column.key)].get(day) for day in days]
            values = [v for v in values if v is not None]
            if column.name in SHARE_OF:
                whole = [figures[(SHARE_OF[column.name], "")].get(day) for day in days]
                row.append(_share(sum(values) if values else None, sum(w for w in whole if w)))
            elif not values:
                # No row: not rolled up yet, or (a median, a reason) nothing to measure that day.
                row.append(0 if column.name == "safety.reports" and _rolled_up(figures, days) else None)
            elif column.name in SNAPSHOTS:
                row.append(values[-1])
            else:
                row.append(sum(values))
        panel.rows.append(row)


def _rolled_up(figures: dict, days: list[date]) -> bool:
    return any(day in figures[("safety.waiting", "")] for day in days)


def insight_parts(user, days: int, today: date | None = None) -> tuple[list[Part], date, date]:
    """The parts `user` may see, filled with figures for the range; and the range's first and last days."""
    first, last = date_range(days, today)
    parts = [part for part in _parts() if part.slug in visible_parts(user)]
    panels = [panel for part in parts for panel in part.panels]
    names = {column.name for panel in panels for column in panel.columns} | set(SHARE_OF.values())
    if any(panel.period == "day" for panel in panels):
        names.add("safety.waiting")  # tells "nothing reported" from "not rolled up"
    figures: dict[tuple[str, str], dict[date, float]] = defaultdict(dict)
    rows = DailyFigure.objects.filter(name__in=names, day__gte=monday(first), day__lte=last).values_list(
        "name", "key", "day", "value"
    )
    for name, key, day, value in rows:
        figures[(name, key)][day] = value
    for panel in panels:
        _fill(panel, figures, first, last)
    return parts, first, last


def panel_for(user, slug: str, days: int) -> Panel | None:
    """One panel, filled, if `user` may see it."""
    parts, _, _ = insight_parts(user, days)
    return next((panel for part in parts for panel in part.panels if panel.slug == slug), None)
