from django.core.management.base import BaseCommand
from django.db import transaction

from demo import accounts as accounts_demo
from demo import articles as articles_demo
from demo import community as community_demo
from demo import trials as trials_demo


class Command(BaseCommand):
    help = "Load Kindred's demo content. Safe to run again: nothing is added twice."

    @transaction.atomic
    def handle(self, *args, **options):
        created_members = accounts_demo.seed()
        created_articles = articles_demo.seed()
        created_community = community_demo.seed() | trials_demo.seed()
        if created_members:
            self.stdout.write(self.style.SUCCESS(f"Added {len(created_members)} demo members."))
        if created_articles:
            self.stdout.write(self.style.SUCCESS(f"Added {len(created_articles)} demo articles."))
        if created_community:
            summary = ", ".join(f"{count} {name}" for name, count in created_community.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Added {summary}."))
        if not (created_members or created_articles or created_community):
            self.stdout.write("Demo content is already loaded; nothing added.")
        if not created_members:
            return
        self.stdout.write(
            f"\nDemo logins (password for all: {accounts_demo.DEMO_PASSWORD}):\n"
            "  member     maria@example.com\n"
            "  moderator  moderator@example.com\n"
            "  editor     editor@example.com\n"
            "  admin      admin@example.com\n"
            "Staff, moderators and editors are asked to set up two-factor authentication before "
            "they reach the admin.\n"
        )
