from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from articles import demo as articles_demo


class Command(BaseCommand):
    help = "Load Kindred's demo content. Safe to run again: nothing is added twice."

    @transaction.atomic
    def handle(self, *args, **options):
        created_members = accounts_demo.seed()
        created_articles = articles_demo.seed()
        if created_articles:
            self.stdout.write(self.style.SUCCESS(f"Added {len(created_articles)} demo articles."))
        if not created_members:
            self.stdout.write("Demo content is already loaded; nothing added.")
            return
        self.stdout.write(self.style.SUCCESS(f"Added {len(created_members)} demo members."))
        self.stdout.write(
            f"\nDemo logins (password for all: {accounts_demo.DEMO_PASSWORD}):\n"
            "  member     maria@example.com\n"
            "  moderator  moderator@example.com\n"
            "  editor     editor@example.com\n"
            "  admin      admin@example.com\n"
            "Staff, moderators and editors are asked to set up two-factor authentication before "
            "they reach the admin.\n"
        )
