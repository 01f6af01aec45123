"""Staff insights benchmark: the roll-up over a year of scale data, then /staff/insights/ itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_load .venv/bin/python bench/insights.py
    # --days 365 --repeat 20 --skip-rollup

Needs a database already filled by `seed_scale` (it never seeds). It migrates only the insights app
(one new table, harmless to anyone else reading the database), times `rollup_insights` over the last
`--days` days, then requests the page in-process through Django's test client (the whole view:
middleware, selector, template) for a staff member and for a moderator, each range, `--repeat` times
after one untimed request, and prints the median and slowest time with the SQL statements and figure
rows each request read. The two signed-in accounts are made inside a transaction that is rolled back,
so the database is left with nothing but the figures.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402 (after the environment above)

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import MODERATORS_GROUP, User  # noqa: E402
from insights.models import DailyFigure  # noqa: E402
from insights.rollups import rollup  # noqa: E402


def time_rollup(days: int) -> None:
    last = timezone.localdate() - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    started, cpu = time.perf_counter(), time.process_time()
    written = rollup(first, last)
    print(
        f"rollup {first}..{last}: {written} figures in {time.perf_counter() - started:.1f} s "
        f"(this process's CPU {time.process_time() - cpu:.1f} s)"
    )
    started = time.perf_counter()
    rollup(last, last)
    print(f"rollup of one day (the nightly run's unit): {time.perf_counter() - started:.2f} s")


def account(name: str, staff: bool) -> User:
    user = User.objects.create_user(email=f"bench-insights-{name}@example.invalid", display_name=name, is_staff=staff)
    if not staff:
        user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def time_page(repeat: int) -> None:
    print(f"\n{'who':<10} {'range':>6} {'median ms':>10} {'max ms':>8} {'SQL':>4} {'bytes':>9}")
    with transaction.atomic():
        for who, staff in [("staff", True), ("moderator", False)]:
            client = Client()
            client.force_login(account(who, staff))
            for days in (30, 90, 365):
                url = f"/staff/insights/?days={days}"
                response = client.get(url)  # untimed: first use of the template and connection
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                print(
                    f"{who:<10} {days:>6} {statistics.median(times):>10.1f} {max(times):>8.1f} "
                    f"{len(queries):>4} {len(response.content):>9,}"
                )
            started = time.perf_counter()
            response = client.get("/staff/insights/safety-reports.csv?days=365")
            print(f"{who:<10} CSV of a year's reports by reason: {(time.perf_counter() - started) * 1000:.1f} ms")
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-rollup", action="store_true")
    args = parser.parse_args()
    call_command("migrate", "insights", verbosity=0)
    print(
        f"database {connection.settings_dict['NAME']}: {User.objects.count():,} members, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if not args.skip_rollup:
        time_rollup(args.days)
    print(f"figure rows stored: {DailyFigure.objects.count():,}")
    time_page(args.repeat)


if __name__ == "__main__":
    main()
