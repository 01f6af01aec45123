"""Search benchmark: one million searchable rows on PostgreSQL, 200 fixed queries, latency figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_bench .venv/bin/python bench/search.py --rows 1000000

Creates the database if it is missing (`--reset` drops it first), migrates it, loads data only when
fewer searchable rows than `--rows` are there, runs VACUUM ANALYZE, then times every query of QUERIES once
through `community.search.search` (the real code path, the `--kind` tab, "all" by default, as a
verified member) after one untimed warm-up pass, with production settings (DEBUG off, Redis as the
cache), and prints the median, 95th percentile and maximum, plus EXPLAIN (ANALYZE, BUFFERS) of the most expensive SQL
statement of the three slowest queries, from a rerun that records statements. See bench/README.md.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import BENCH_SETTINGS  # noqa: E402 (after the path line above)

# Shares of the searchable rows per table (articles are a fixed few thousand, see below).
SHARES = {"question": 0.10, "answer": 0.30, "update": 0.25, "comment": 0.35}
ARTICLES = 4000
MEMBERS = 20000


# --- Database -----------------------------------------------------------------------------------------
def prepare_database(url: str, reset: bool) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    if reset:
        subprocess.run(["dropdb", "--if-exists", *args, name], check=True)
    exists = subprocess.run(
        ["psql", *args, "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608 (benchmark: our own database name)
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", *args, name], check=True)
        print(f"created database {name}")


def searchable_rows() -> int:
    from django.db import connection

    from demo.scale import SEARCH_TABLES

    with connection.cursor() as cursor:
        counts = " + ".join(f"(SELECT count(*) FROM {t})" for t in SEARCH_TABLES)  # noqa: S608 (constant table names)
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def load(target: int) -> None:
    """Replace the bench data with `target` searchable rows from demo.scale (the same loader as
    `seed_scale`), then give the viewer a few blocks both ways, some with the busiest authors."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from community.models import Block
    from demo import scale

    rest = target - ARTICLES
    counts = {kind: int(rest * share) for kind, share in SHARES.items()}
    counts["comment"] = rest - sum(v for k, v in counts.items() if k != "comment")
    scale.reset()
    scale.load(
        scale=scale.Scale(
            members=MEMBERS,
            articles=ARTICLES,
            questions=counts["question"],
            answers=counts["answer"],
            comments=counts["comment"],
            updates=counts["update"],
        )
    )
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    viewer = users[-1]
    # The viewer is a member in good standing, whatever the draw made of the last member.
    User.objects.filter(pk=viewer).update(banned_at=None, ban_reason="")
    EmailAddress.objects.filter(user_id=viewer).update(verified=True)
    for blocked in users[:2] + users[100:103]:
        Block.objects.get_or_create(blocker_id=viewer, blocked_id=blocked)
    for blocker in users[2:3] + users[200:202]:
        Block.objects.get_or_create(blocker_id=blocker, blocked_id=viewer)


def the_viewer():
    from allauth.account.models import EmailAddress

    from accounts.models import User

    viewer = User.objects.filter(email__endswith="@bench.example").order_by("-pk").first()
    EmailAddress.objects.get_or_create(user=viewer, email=viewer.email, defaults={"verified": True, "primary": True})
    return viewer


# --- Queries ------------------------------------------------------------------------------------------
COMMON = [
    "tired", "fatigue", "cough", "scan", "scan results", "side effects", "rash", "diarrhoea", "nausea",
    "appetite", "sleep", "anxiety", "scared", "hope", "family", "work", "breathless", "pain", "chemo",
    "radiotherapy", "immunotherapy", "biopsy", "oncologist", "second opinion", "weight loss", "hair thinning",
    "brain fog", "support group", "caregiver", "clinical trial", "progression", "stable", "mouth sores",
    "dry skin", "blood test", "metastatic", "stage four", "lymph nodes", "liver", "insurance",
]  # fmt: skip
RARE_GENERICS = [
    "osimertinib", "amivantamab", "lazertinib", "alectinib", "brigatinib", "ceritinib", "crizotinib",
    "ensartinib", "lorlatinib", "entrectinib", "repotrectinib", "taletrectinib", "dabrafenib", "encorafenib",
    "vemurafenib", "trametinib", "binimetinib", "sotorasib", "adagrasib", "larotrectinib", "pralsetinib",
    "selpercatinib", "trastuzumab deruxtecan", "zenocutuzumab", "bevacizumab", "ramucirumab",
    "osimertinib rash", "alectinib weight", "lorlatinib mood", "sotorasib liver",
]  # fmt: skip
BRANDS = [
    "Tagrisso", "Rybrevant", "Lazcluze", "Alecensa", "Alunbrig", "Zykadia", "Xalkori", "Lorbrena", "Lorviqua",
    "Rozlytrek", "Augtyro", "Tafinlar", "Braftovi", "Zelboraf", "Mekinist", "Mektovi", "Lumakras", "Lumykras",
    "Krazati", "Vitrakvi", "Gavreto", "Retevmo", "Enhertu", "Kadcyla", "Bizengri", "Avastin", "Cyramza",
    "Tagrisso side effects", "Alecensa tired", "Enhertu cough",
]  # fmt: skip
PHRASES = [
    '"side effects"', '"scan results"', '"brain fog"', '"second opinion"', '"clinical trial"', '"weight loss"',
    '"mouth sores"', '"blood test"', '"lymph nodes"', '"stage four"', '"support group"', '"shortness of breath"',
    '"liquid biopsy"', '"exon 19"', '"dry skin"', '"tumour markers"', '"targeted therapy"', '"blood pressure"',
    '"hair thinning"', '"lung cancer"', '"osimertinib rash"', '"tired after chemo"', '"egfr mutation"',
    '"pd-l1"', '"palliative care"',
]  # fmt: skip
EXCLUDED = [
    "tired -chemo", "rash -osimertinib", "scan -pet", "cough -radiation", "fatigue -immunotherapy",
    "biopsy -liquid", "pain -bones", "trial -clinical", "egfr -t790m", "alk -lorlatinib", "nausea -chemo",
    "sleep -steroids", "hope -hospice", "anxiety -scanxiety", "diarrhoea -afatinib", "immunotherapy -pneumonitis",
    "chemo -hair", "stage -four", "surgery -lobectomy", "brain -fog",
]  # fmt: skip
MISSPELLED = [
    "osimertinb", "osimertnib", "tagriso", "tagrisoo", "alectnib", "alecenza", "lorlatinb", "lorbrenna",
    "crizotnib", "brigatinb", "sotorasb", "lumacras", "chemotherepy", "immunotheraphy", "radiotherapie",
    "fatique", "diarhea", "nausia", "neuropathie", "biopsey", "bronchoscopey", "oncologyst", "metastic",
    "rybrevent", "entrectnib",
]  # fmt: skip
ABBREVIATED = [
    "NSCLC", "SCLC", "TKI", "EGFR", "ALK", "ROS1", "KRAS", "BRAF", "ADC", "SBRT", "NGS", "PD-L1",
    "NSCLC TKI", "EGFR TKI", "mets",
]  # fmt: skip
MIXED = [
    "egfr exon 19 osimertinib", "alk positive alectinib tired", "nsclc stage four immunotherapy",
    "kras g12c sotorasib", "ros1 fusion entrectinib", "her2 enhertu pneumonitis", "pd-l1 keytruda",
    "t790m resistance", "brain mets sbrt", "tki rash cream", "chemo nausea help", "scanxiety tips",
    "how long on tagrisso", "what to expect from chemotherapy", "liquid biopsy ngs results",
]  # fmt: skip
QUERIES = COMMON + RARE_GENERICS + BRANDS + PHRASES + EXCLUDED + MISSPELLED + ABBREVIATED + MIXED
assert len(QUERIES) == 200, len(QUERIES)  # noqa: S101 (the benchmark's fixed list)


def run_queries(viewer, kind: str) -> list[tuple[float, str]]:
    from community.search import search

    for query in QUERIES:  # warm-up pass: caches, plans, the viewer's permission cache
        search(viewer=viewer, raw_query=query, kind=kind)
    timings = []
    for query in QUERIES:
        started = time.perf_counter()
        search(viewer=viewer, raw_query=query, kind=kind)
        timings.append(((time.perf_counter() - started) * 1000, query))
    return timings


def statements_of(viewer, query: str, kind: str) -> list[dict]:
    """Each SQL statement of one search and its time, from a run of its own: recording them (Django's
    debug cursor) is left out of the timed pass."""
    from django.db import connection, reset_queries

    from community.search import search

    connection.force_debug_cursor = True
    try:
        reset_queries()
        search(viewer=viewer, raw_query=query, kind=kind)
        return list(connection.queries)
    finally:
        connection.force_debug_cursor = False


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(timings, viewer, kind: str) -> None:
    from django.db import connection

    values = [t for t, _ in timings]
    print(
        f"\n{len(values)} queries: median {statistics.median(values):.1f} ms, "
        f"p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms"
    )
    kinds = {
        "common": COMMON,
        "rare generic": RARE_GENERICS,
        "brand": BRANDS,
        "phrase": PHRASES,
        "excluded": EXCLUDED,
        "misspelled": MISSPELLED,
        "abbreviation": ABBREVIATED,
        "mixed": MIXED,
    }
    by_query = {q: t for t, q in timings}
    for name, queries in kinds.items():
        group = [by_query[q] for q in queries]
        print(f"  {name:<13} n={len(group):>3} median {statistics.median(group):7.1f} ms  max {max(group):7.1f} ms")
    slowest = sorted(timings, reverse=True)[:3]
    for elapsed, query in slowest:
        queries = statements_of(viewer, query, kind)
        worst = max(queries, key=lambda q: float(q["time"]))
        print(
            f"\n=== {query!r}: {elapsed:.1f} ms in {len(queries)} SQL statements; "
            f"slowest statement {float(worst['time']) * 1000:.1f} ms (rerun with statements recorded) ==="
        )
        print(worst["sql"][:1500])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + worst["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="searchable rows to load (default 1000000)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the benchmark database first")
    parser.add_argument(
        "--kind",
        default="all",
        choices=["all", "articles", "questions", "updates", "members"],
        help='the tab searched: "all" (the summary, 5 of each kind; default) or one kind (20 results)',
    )
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/kindred_bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # Production settings, as the load benchmark uses; the cache is Redis, as in production.
    os.environ.update(BENCH_SETTINGS)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/5")
    prepare_database(url, options.reset)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rows = searchable_rows()
    if rows < options.rows:
        print(f"loading {options.rows} searchable rows ({rows} there now)", flush=True)
        started = time.monotonic()
        load(options.rows)
        print(f"loaded {searchable_rows()} rows in {time.monotonic() - started:.0f} s", flush=True)
    else:
        print(f"reusing {rows} searchable rows")
    with connection.cursor() as cursor:
        # As autovacuum would have (it is off on some machines): visibility map and GIN pending lists.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size {cursor.fetchone()[0]}")
    viewer = the_viewer()
    print(f'searching the "{options.kind}" tab')
    report(run_queries(viewer, options.kind), viewer, options.kind)


if __name__ == "__main__":
    main()
