from django.core.management.base import BaseCommand

from accounts import tasks
from accounts.models import DigestFrequency


class Command(BaseCommand):
    help = (
        "Record this period's digest deliveries and enqueue them in batches. Safe to rerun: "
        "nothing already sent is sent again, and what was not sent is picked up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency", required=True, choices=[DigestFrequency.DAILY.value, DigestFrequency.WEEKLY.value]
        )

    def handle(self, *args, frequency, **options):
        digests, batches = tasks.enqueue_digests(frequency)
        self.stdout.write(f"{digests} {frequency} digest(s) enqueued in {batches} batch(es).")
