"""Turn the site's records into DailyFigure rows.

Each figure is one grouped SQL statement over the whole span asked for (a year is one pass over
each table, not 365), and each day's rows are replaced whole in one transaction: running any past
day again gives the same rows, so the command is safe to repeat and to run late.

Days are calendar days in settings.TIME_ZONE. A figure about a moment ("waiting in the queue",
"overdue for review") is taken at the end of its day.
"""

# Every piece put into the SQL below is a table or column name or a fixed fragment written in this
# module; values (days, the time zone) always go as parameters.
# ruff: noqa: S608

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import DigestDelivery, EmailPreferences, NewsletterSubscription, Notification, User
from articles.models import Article
from community.models import Answer, Comment, Question, Reaction, Update
from community.moderation.models import Report, ReviewItem
from insights.models import DailyFigure

# Figures counted every day: a day with nothing gets an explicit 0, so "no row" on the page means
# "not rolled up yet", never "nothing happened".
COUNTED = [
    "members.joined",
    "content.updates",
    "content.questions",
    "content.answers",
    "content.comments",
    "care.asked",
    "care.answered_24h",
    "care.answered_72h",
    "care.unanswered_72h",
    "safety.waiting",
    "safety.decisions",
    "safety.crisis_flags",
    "safety.crisis_unseen",
    "email.digests_sent",
    "email.digests_retried",
    "email.digests_failed",
    "email.notifications_sent",
    "email.bounced",
    "email.unsubscribed",
    "articles.published",
    "articles.overdue",
]
WEEKLY = ["members.active", "members.returning"]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _per_day(model, column: str, where: str = "TRUE", key: str = "''") -> str:
    """Rows (day, key, count) of `model` whose `column` falls in the span."""
    return f"""
        SELECT ({column} AT TIME ZONE %(tz)s)::date, {key}, count(*)
        FROM {_table(model)}
        WHERE {column} >= %(lo)s AND {column} < %(hi)s AND ({where})
        GROUP BY 1, 2"""


def _at_day_end(model, opened: str, closed: str, where: str = "TRUE") -> str:
    """Rows (day, '', count) of `model` open at the end of each day of the span."""
    return f"""
        SELECT d::date, '', (
            SELECT count(*) FROM {_table(model)} t
            WHERE t.{opened} < (d + interval '1 day') AT TIME ZONE %(tz)s
              AND (t.{closed} IS NULL OR t.{closed} >= (d + interval '1 day') AT TIME ZONE %(tz)s)
              AND ({where}))
        FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d"""


CARE = ("care.asked", "care.answered_24h", "care.answered_72h", "care.unanswered_72h", "care.median_hours")
CHUNK_DAYS = 31


def _daily_statements() -> dict[str | tuple[str, ...], str]:
    """Figure name -> SQL giving (day, key, value) rows; or several names -> (day, key, value, ...)."""
    visible_answer = "a.moderation_state <> 'removed' AND a.author_id <> q.author_id"
    answered = f"""
        SELECT q.created_at, (
            SELECT min(a.created_at) FROM {_table(Answer)} a WHERE a.question_id = q.id AND {visible_answer}
        ) AS first_answer
        FROM {_table(Question)} q
        WHERE q.created_at >= %(lo)s AND q.created_at < %(hi)s AND q.moderation_state <> 'removed'"""

    decided = "resolved_at IS NOT NULL AND resolved_by_id IS NOT NULL"
    crisis = f"reason = '{ReviewItem.Reason.CRISIS}'"
    return {
        "members.joined": _per_day(User, "date_joined"),
        "content.updates": _per_day(Update, "created_at"),
        "content.questions": _per_day(Question, "created_at"),
        "content.answers": _per_day(Answer, "created_at"),
        "content.comments": _per_day(Comment, "created_at"),
        # One pass over the span's questions for all five care figures. Unanswered counts only
        # questions whose 72 hours are over by now: recent days settle when rolled up again.
        CARE: f"""
            SELECT (created_at AT TIME ZONE %(tz)s)::date, '',
                count(*),
                count(*) FILTER (WHERE first_answer <= created_at + interval '24 hours'),
                count(*) FILTER (WHERE first_answer <= created_at + interval '72 hours'),
                count(*) FILTER (WHERE created_at + interval '72 hours' <= %(now)s
                    AND (first_answer IS NULL OR first_answer > created_at + interval '72 hours')),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_answer - created_at) / 3600)
            FROM ({answered}) qa GROUP BY 1""",
        "safety.reports": _per_day(Report, "created_at", key="reason"),
        "safety.waiting": _at_day_end(ReviewItem, "created_at", "resolved_at"),
        "safety.decisions": _per_day(ReviewItem, "resolved_at", where=decided),
        "safety.median_hours_to_decision": f"""
            SELECT (resolved_at AT TIME ZONE %(tz)s)::date, '',
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 3600)
            FROM {_table(ReviewItem)}
            WHERE resolved_at >= %(lo)s AND resolved_at < %(hi)s AND {decided}
            GROUP BY 1""",
        "safety.crisis_flags": _per_day(ReviewItem, "created_at", where=crisis),
        "safety.crisis_minutes_to_seen": f"""
            SELECT (created_at AT TIME ZONE %(tz)s)::date, '',
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 60)
            FROM {_table(ReviewItem)}
            WHERE created_at >= %(lo)s AND created_at < %(hi)s AND {crisis} AND resolved_at IS NOT NULL
            GROUP BY 1""",
        "safety.crisis_unseen": _at_day_end(ReviewItem, "created_at", "resolved_at", where=crisis),
        "email.digests_sent": _per_day(DigestDelivery, "sent_at", where="status = 'sent'"),
        "email.digests_retried": _per_day(DigestDelivery, "created_at", where="attempts > 1 OR status = 'retry'"),
        "email.digests_failed": _per_day(DigestDelivery, "created_at", where="status = 'failed'"),
        "email.notifications_sent": _per_day(Notification, "emailed_at", where="email_status = 'sent'"),
        "email.bounced": _per_day(EmailPreferences, "bounced_at"),
        "email.unsubscribed": _per_day(NewsletterSubscription, "unsubscribed_at"),
        "articles.published": _per_day(Article, "published_at", where="status IN ('published', 'archived')"),
        "articles.overdue": f"""
            SELECT d::date, '', (
                SELECT count(*) FROM {_table(Article)} t
                WHERE t.status = 'published'
                  AND t.published_at < (d + interval '1 day') AT TIME ZONE %(tz)s
                  AND t.review_due_at < (d + interval '1 day') AT TIME ZONE %(tz)s)
            FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d""",
    }


def _weekly_statement() -> str:
    """Rows (monday, active, returning): members who posted, answered, commented or reacted in the
    week, and how many of them had also done so the week before."""
    acts = " UNION ALL ".join(
        f"SELECT {member} AS member_id, created_at FROM {_table(model)} "
        f"WHERE created_at >= %(lo)s AND created_at < %(hi)s"
        for model, member in [
            (Update, "author_id"),
            (Question, "author_id"),
            (Answer, "author_id"),
            (Comment, "author_id"),
            (Reaction, "member_id"),
        ]
    )
    # Each member's previous active week comes from a window over their own weeks: a sort, where a
    # self-join of the weeks made PostgreSQL loop over every pair on a year of scale data.
    return f"""
        WITH weekly AS (
            SELECT DISTINCT date_trunc('week', created_at AT TIME ZONE %(tz)s)::date AS week, member_id
            FROM ({acts}) acts
        )
        SELECT week, count(*), count(*) FILTER (WHERE previous = week - 7)
        FROM (SELECT week, lag(week) OVER (PARTITION BY member_id ORDER BY week) AS previous FROM weekly) w
        WHERE week >= %(first)s
        GROUP BY week"""


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def compute(first: date, last: date) -> dict[date, dict[tuple[str, str], float]]:
    """Every figure for the days first..last (inclusive), as {day: {(name, key): value}}.
    Weekly figures cover each whole week touching the span and are keyed on its Monday."""
    now = timezone.now()
    params = {
        "tz": settings.TIME_ZONE,
        "lo": _start(first),
        "hi": _start(last + timedelta(days=1)),
        "first": first,
        "last": last,
        "now": now,
    }
    figures: dict[date, dict[tuple[str, str], float]] = defaultdict(dict)
    day = first
    while day <= last:
        figures[day].update({(name, ""): 0.0 for name in COUNTED})
        day += timedelta(days=1)
    for names, sql in _daily_statements().items():
        for day, key, *values in _rows(sql, params):
            for name, value in zip((names,) if isinstance(names, str) else names, values, strict=True):
                if value is not None and first <= day <= last:
                    figures[day][(name, key or "")] = float(value)

    first_monday, last_monday = monday(first), monday(last)
    weekly = {
        **params,
        "lo": _start(first_monday - timedelta(days=7)),
        "hi": _start(last_monday + timedelta(days=7)),
        "first": first_monday,
    }
    week = first_monday
    while week <= last_monday:
        figures[week].update({(name, ""): 0.0 for name in WEEKLY})
        week += timedelta(days=7)
    for week, active, returning in _rows(_weekly_statement(), weekly):
        if first_monday <= week <= last_monday:
            figures[week][("members.active", "")] = float(active)
            figures[week][("members.returning", "")] = float(returning)
    return figures


def rollup(first: date, last: date) -> int:
    """Compute and store every figure for first..last; returns how many rows were written.
    Works a month at a time, each in its own transaction, so no statement holds a shared database
    for long. A day's rows are replaced whole, so a figure that went away (a reason nobody reported
    any more) does not linger. Weekly rows are replaced only for the weeks recomputed."""
    if last < first:
        raise ValueError("The last day comes before the first.")
    written = 0
    start = first
    while start <= last:
        end = min(start + timedelta(days=CHUNK_DAYS - 1), last)
        written += _rollup_chunk(start, end)
        start = end + timedelta(days=1)
    return written


def _rollup_chunk(first: date, last: date) -> int:
    figures = compute(first, last)
    stamp = timezone.now()
    daily_names = [name for names in _daily_statements() for name in ((names,) if isinstance(names, str) else names)]
    with transaction.atomic(durable=True):
        DailyFigure.objects.filter(day__gte=first, day__lte=last, name__in=daily_names).delete()
        DailyFigure.objects.filter(day__in=[d for d in figures if d.weekday() == 0], name__in=WEEKLY).delete()
        rows = [
            DailyFigure(day=day, name=name, key=key, value=value, computed_at=stamp)
            for day, values in figures.items()
            for (name, key), value in values.items()
        ]
        DailyFigure.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["name", "key", "day"],
            update_fields=["value", "computed_at"],
        )
    return len(rows)
