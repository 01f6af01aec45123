"""SQL queries per page on small and on large data, side by side: the count must not grow with the data.

    .venv/bin/python bench/query_counts.py postgres://postgres@127.0.0.1:5432/kindred_demo \\
        postgres://postgres@127.0.0.1:5432/kindred_load

Each database is read by a child process (settings bind one database per process). Every page of
bench/pages.py is requested twice through Django's test client, as a visitor or as the bench
member, and the second request's queries are counted (the first one fills per-process caches).
A POST runs inside a transaction that is rolled back, so nothing is left behind. The visitor page
cache is off here: a cached page would cost no query at all and hide the count being measured.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import BENCH_SETTINGS  # noqa: E402 (after the path line above)


def counts_for_this_database() -> dict[str, int]:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import pages as bench_pages

    member = bench_pages.bench_member()
    counts = {}
    for number, page in enumerate(bench_pages.pick(member=member)):
        client = Client()
        if page.member:
            client.force_login(member)
        with transaction.atomic():
            for attempt in range(2):
                with CaptureQueriesContext(connection) as queries:
                    if page.method == "POST":
                        text = f"Counting queries, comment {number}-{attempt}."
                        response = client.post(page.path, {"text": text})
                    else:
                        response = client.get(page.path)
            transaction.set_rollback(True)
        if response.status_code != page.expected_status:
            raise SystemExit(f"{page.name}: answered {response.status_code}, expected {page.expected_status}")
        counts[page.name] = len(queries)
    return counts


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(counts_for_this_database()))
        return
    urls = sys.argv[1:]
    if not urls:
        raise SystemExit(__doc__)
    env = {
        **os.environ,
        **BENCH_SETTINGS,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "query-counts-only-" + "x" * 40),
        "ALLOWED_HOSTS": "testserver",
        "VISITOR_PAGE_CACHE_SECONDS": "0",
    }
    columns = []
    for url in urls:
        child = subprocess.run(
            [sys.executable, __file__, "--child"],
            env={**env, "DATABASE_URL": url},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if child.returncode:
            raise SystemExit(f"{url}:\n{child.stderr[-3000:]}")
        columns.append((url.rsplit("/", 1)[1], json.loads(child.stdout.strip().splitlines()[-1])))
    names = list(columns[0][1])
    print(f"{'page':<36}" + "".join(f"{name:>16}" for name, _ in columns))
    for page in names:
        print(f"{page:<36}" + "".join(f"{counts.get(page, '-'):>16}" for _, counts in columns))


if __name__ == "__main__":
    main()
