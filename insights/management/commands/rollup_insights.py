"""Write the staff insights' daily figures. Without arguments it recomputes the last seven whole
days, so late answers, retried emails and moderators' decisions settle into the figures; run it
once a day from cron. --since recomputes a longer span after a fix or on a new installation."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insights.rollups import rollup

SETTLING_DAYS = 7


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a day in the form YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = "Compute the daily figures shown on /staff/insights/ (safe to run again for any day)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--day", help="Recompute this one day (YYYY-MM-DD).")
        group.add_argument("--since", help="Recompute every day from this one (YYYY-MM-DD) up to yesterday.")

    def handle(self, *args, day=None, since=None, **options):
        yesterday = timezone.localdate() - timedelta(days=1)
        if day:
            first = last = _day(day)
        elif since:
            first, last = _day(since), yesterday
        else:
            first, last = yesterday - timedelta(days=SETTLING_DAYS - 1), yesterday
        if first > last:
            raise CommandError(f"Nothing to do: {first} is after {last}.")
        written = rollup(first, last)
        self.stdout.write(f"Rolled up {first} to {last}: {written} figures.")
