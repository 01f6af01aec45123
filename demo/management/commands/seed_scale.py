import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from core import progress
from demo import scale


def count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number} is negative; counts start at 0")
    return number


class Command(BaseCommand):
    help = (
        "Load scale data (members, articles, questions, answers, comments, updates, private messages and "
        "what hangs off them) into PostgreSQL with COPY, for benchmarks. Never on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=count, default=100_000)
        parser.add_argument("--articles", type=count, default=2_000)
        parser.add_argument("--questions", type=count, default=200_000)
        parser.add_argument("--answers", type=count, default=600_000)
        parser.add_argument("--comments", type=count, default=1_000_000)
        parser.add_argument("--updates", type=count, default=200_000)
        parser.add_argument(
            "--messages",
            type=count,
            default=1_000_000,
            help="Private messages in all, over conversations between members; one of "
            f"{scale.LONG_CONVERSATION_MESSAGES:,} with the bench member, who has about "
            f"{scale.BENCH_CONVERSATIONS} conversations.",
        )
        parser.add_argument(
            "--password", help=f"Let {scale.BENCH_MEMBER_EMAIL} log in with this password (for load benchmarks)."
        )
        parser.add_argument("--seed", type=int, default=scale.SEED, help="Random seed (the same seed, the same data).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Delete every member, article, post and private message first (TRUNCATE ... CASCADE), "
                "demo content included."
            ),
        )

    def handle(
        self, *args, members, articles, questions, answers, comments, updates, messages, password, seed, reset, **opts
    ):
        wanted = scale.Scale(
            members=members,
            articles=articles,
            questions=questions,
            answers=answers,
            comments=comments,
            updates=updates,
            messages=messages,
        )
        problems = wanted.problems()
        if problems:
            raise CommandError(" ".join(problems))
        if reset:
            scale.reset()
        elif scale.existing_members():
            raise CommandError(
                f"Scale data is already loaded ({scale.existing_members():,} members @{scale.EMAIL_DOMAIN}). "
                "Run with --reset to replace everything, or use a fresh database."
            )
        started = time.monotonic()
        # On a terminal, a bar with counts and time left over the main tables' rows (the other
        # tables it loads make the count run a little past the total); in a log, the lines alone.
        with progress.bar(total=wanted.main_rows(), desc="seed_scale", unit="row") as shown:
            loaded = scale.load(
                scale=wanted,
                password=password,
                seed=seed,
                progress=shown.write if not shown.disable else self.stdout.write,
                advance=shown.update,
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {sum(loaded.rows.values()):,} rows in {elapsed:.0f} s (VACUUM ANALYZE included)."
            )
        )
        if loaded.busy_question_url:
            self.stdout.write(
                f"Busy question ({scale.BUSY_ANSWERS} answers with comments): {loaded.busy_question_url}\n"
                f"  title: {scale.BUSY_QUESTION_TITLE}"
            )
        if loaded.long_conversation_id:
            url = reverse("conversation_detail", args=[loaded.long_conversation_id])
            self.stdout.write(f"Long conversation (the bench member's): {url}")
        if loaded.bench_member_id:
            login = f"password {password!r}" if password else "no password (pass --password to log in)"
            self.stdout.write(f"Bench member: {scale.BENCH_MEMBER_EMAIL}, {login}")
