from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import digests, tasks
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
        with transaction.atomic():
            ids = digests.plan(frequency)
            size = settings.DIGEST_BATCH_SIZE
            for start in range(0, len(ids), size):
                batch = ids[start : start + size]
                transaction.on_commit(lambda batch=batch: tasks.send_digest_batch.enqueue(batch))
        self.stdout.write(f"{len(ids)} {frequency} digest(s) enqueued in {-(-len(ids) // size)} batch(es).")
