"""The roll-up counts what happened, day by day, as a person counting by hand would."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from community.moderation.models import Report
from insights.models import DailyFigure
from insights.rollups import rollup
from tests.insights.fixtures import DAY, build_week

pytestmark = pytest.mark.django_db


def figures(day: date) -> dict[str, float]:
    return {
        (f"{name}/{key}" if key else name): value
        for name, key, value in DailyFigure.objects.filter(day=day).values_list("name", "key", "value")
    }


@pytest.fixture
def week():
    people = build_week()
    rollup(DAY - timedelta(days=1), DAY + timedelta(days=6))
    return people


def test_members_joined_each_day_and_active_or_returning_each_week(week):
    assert figures(DAY)["members.joined"] == 2
    assert figures(DAY - timedelta(days=1))["members.joined"] == 1
    monday = figures(date(2026, 3, 9))
    # Active in the week of 9 March: ada, ben, cy (posted or answered) and dan (reacted).
    assert monday["members.active"] == 4
    # Of those, only ben was active the week before (eve was, but not this week).
    assert monday["members.returning"] == 1


def test_content_counts_everything_posted_that_day(week):
    day = figures(DAY)
    assert (day["content.updates"], day["content.questions"], day["content.answers"], day["content.comments"]) == (
        2,
        4,
        2,
        1,
    )
    assert figures(DAY + timedelta(days=2))["content.answers"] == 1


def test_care_counts_answers_from_others_within_24_and_72_hours(week):
    day = figures(DAY)
    assert day["care.asked"] == 3  # the removed question does not count
    assert day["care.answered_24h"] == 1  # q1 after 2 hours; q2's own answer does not count
    assert day["care.answered_72h"] == 2  # q2 after 36 hours
    assert day["care.unanswered_72h"] == 1
    assert day["care.median_hours"] == 19  # between 2 and 36 hours
    assert "care.median_hours" not in figures(DAY + timedelta(days=1))  # nothing asked: no median


def test_safety_counts_reports_queue_decisions_and_crisis_flags(week):
    day = figures(DAY)
    assert (day["safety.reports/spam"], day["safety.reports/self_harm"]) == (2, 1)
    assert "safety.reports/medical" not in day
    assert figures(DAY - timedelta(days=1))["safety.reports/medical"] == 1
    assert day["safety.waiting"] == 2  # the unseen crisis flag and the late sign-up
    assert day["safety.decisions"] == 3
    assert day["safety.median_hours_to_decision"] == 6  # of 24 hours, 30 minutes and 6 hours
    assert day["safety.crisis_flags"] == 2
    assert day["safety.crisis_minutes_to_seen"] == 30
    assert day["safety.crisis_unseen"] == 1
    assert figures(DAY + timedelta(days=1))["safety.waiting"] == 1  # the crisis flag still open


def test_email_counts_sent_retried_failed_bounced_and_unsubscribed(week):
    day = figures(DAY)
    assert day["email.digests_sent"] == 2
    assert day["email.digests_retried"] == 2  # ben's (sent at the second try) and cy's (failed)
    assert day["email.digests_failed"] == 1
    assert day["email.notifications_sent"] == 2
    assert day["email.bounced"] == 1
    assert day["email.unsubscribed"] == 1


def test_articles_published_and_overdue_at_the_end_of_each_day(week):
    assert figures(DAY)["articles.published"] == 1
    assert figures(DAY)["articles.overdue"] == 1


def test_a_day_with_nothing_is_zero_not_missing(week):
    quiet = figures(DAY + timedelta(days=5))
    assert quiet["content.updates"] == 0 and quiet["email.bounced"] == 0


def test_running_again_gives_the_same_rows_and_follows_changes(week):
    before = set(DailyFigure.objects.values_list("day", "name", "key", "value"))
    call_command("rollup_insights", "--day", DAY.isoformat())
    call_command("rollup_insights", "--since", (DAY - timedelta(days=1)).isoformat())
    after_days = set(
        DailyFigure.objects.filter(day__lte=DAY + timedelta(days=6)).values_list("day", "name", "key", "value")
    )
    assert after_days == before
    Report.objects.filter(reason="self_harm").delete()
    call_command("rollup_insights", "--day", DAY.isoformat())
    day = figures(DAY)
    assert "safety.reports/self_harm" not in day and day["safety.reports/spam"] == 2
    assert DailyFigure.objects.filter(day=DAY, name="content.updates").count() == 1


def test_the_command_refuses_a_malformed_day(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rollup_insights", "--day", "10/03/2026")
