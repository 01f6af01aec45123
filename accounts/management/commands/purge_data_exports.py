from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = "Delete the archives of 'download my data' links that have expired (run every hour)."

    def handle(self, *args, **options):
        purged = services.data_exports_purge()
        self.stdout.write(f"{purged} expired data export{'s' if purged != 1 else ''} deleted.")
