from django.core.management.base import BaseCommand

from accounts.mail import notification_emails


class Command(BaseCommand):
    help = "Email notifications that waited for their thread's hour to pass (run every few minutes)."

    def handle(self, *args, **options):
        counts = notification_emails.flush_all()
        self.stdout.write(", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "Nothing waiting.")
