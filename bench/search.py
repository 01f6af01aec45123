"""Search benchmark: one million searchable rows on PostgreSQL, 200 fixed queries, latency figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_bench .venv/bin/python bench/search.py --rows 1000000

Creates the database if it is missing (`--reset` drops it first), migrates it, loads data only when
fewer searchable rows than `--rows` are there, runs ANALYZE, then times every query of QUERIES once
through `community.search.search` (the real code path, kind "all", as a verified member) after one
untimed warm-up pass, and prints the median, 95th percentile and maximum, plus EXPLAIN (ANALYZE,
BUFFERS) of the most expensive SQL statement of the three slowest queries. See bench/README.md.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Shares of the searchable rows per table (articles are a fixed few thousand, see below).
SHARES = {"question": 0.10, "answer": 0.30, "update": 0.25, "comment": 0.35}
ARTICLES = 4000
MEMBERS = 20000
SEED = 20261127

# --- Word lists -------------------------------------------------------------------------------------
FILLER = [
    "i",
    "the",
    "a",
    "and",
    "to",
    "of",
    "my",
    "it",
    "in",
    "was",
    "is",
    "for",
    "that",
    "have",
    "on",
    "with",
    "but",
    "had",
    "me",
    "so",
    "this",
    "just",
    "be",
    "at",
    "we",
    "not",
    "are",
    "after",
    "about",
    "what",
    "when",
    "any",
    "how",
    "do",
    "did",
    "has",
    "been",
    "from",
    "all",
    "one",
    "out",
    "if",
    "can",
    "really",
    "still",
    "week",
    "day",
    "time",
    "anyone",
    "else",
    "some",
    "more",
    "now",
    "back",
    "first",
    "going",
    "got",
    "get",
    "they",
    "them",
    "their",
    "there",
    "also",
    "very",
    "much",
    "other",
    "know",
    "think",
    "feel",
    "felt",
    "hope",
    "thank",
    "thanks",
    "you",
    "your",
    "everyone",
    "today",
    "last",
    "next",
    "months",
    "years",
    "again",
]
LIVING = [
    "cancer",
    "lung",
    "diagnosis",
    "diagnosed",
    "oncologist",
    "nurse",
    "hospital",
    "clinic",
    "appointment",
    "treatment",
    "tablets",
    "infusion",
    "drip",
    "cycle",
    "dose",
    "side",
    "effects",
    "family",
    "husband",
    "wife",
    "daughter",
    "son",
    "friends",
    "work",
    "sleep",
    "walking",
    "appetite",
    "weight",
    "food",
    "eating",
    "exercise",
    "support",
    "group",
    "caregiver",
    "partner",
    "insurance",
    "travel",
    "holiday",
    "garden",
    "dog",
    "breathing",
    "oxygen",
    "inhaler",
    "stage",
    "four",
    "three",
    "metastatic",
    "progression",
    "stable",
    "remission",
    "response",
    "shrinking",
    "growth",
    "tumour",
    "tumor",
    "nodule",
    "lesion",
    "spread",
    "brain",
    "bones",
    "liver",
    "adrenal",
    "lymph",
    "nodes",
    "surgery",
    "lobectomy",
    "radiotherapy",
    "radiation",
    "chemotherapy",
    "chemo",
    "immunotherapy",
    "targeted",
    "therapy",
    "trial",
    "clinical",
    "second",
    "opinion",
    "palliative",
    "hospice",
    "pain",
    "relief",
    "steroids",
    "antibiotics",
    "blood",
    "pressure",
]
SYMPTOMS = [
    "fatigue",
    "tired",
    "exhausted",
    "cough",
    "coughing",
    "breathless",
    "breathlessness",
    "shortness",
    "breath",
    "rash",
    "acne",
    "diarrhoea",
    "diarrhea",
    "nausea",
    "vomiting",
    "constipation",
    "mouth",
    "sores",
    "ulcers",
    "dry",
    "skin",
    "itching",
    "nails",
    "paronychia",
    "swelling",
    "oedema",
    "edema",
    "headache",
    "dizziness",
    "numbness",
    "tingling",
    "neuropathy",
    "fever",
    "chills",
    "weight",
    "loss",
    "hair",
    "thinning",
    "insomnia",
    "anxiety",
    "depression",
    "brain",
    "fog",
    "hiccups",
    "pneumonitis",
]
TESTS = [
    "scan",
    "ct",
    "pet",
    "mri",
    "xray",
    "x-ray",
    "biopsy",
    "bronchoscopy",
    "ebus",
    "blood",
    "test",
    "bloods",
    "results",
    "report",
    "scanxiety",
    "liquid",
    "biopsy",
    "tissue",
    "ngs",
    "sequencing",
    "biomarker",
    "mutation",
    "fusion",
    "deletion",
    "insertion",
    "exon",
    "19",
    "20",
    "l858r",
    "t790m",
    "g12c",
    "v600e",
    "amplification",
    "pd-l1",
    "tps",
    "marker",
    "markers",
    "tumour",
    "markers",
    "cea",
]
FEELINGS = [
    "scared",
    "frightened",
    "worried",
    "anxious",
    "hopeful",
    "grateful",
    "angry",
    "sad",
    "lonely",
    "overwhelmed",
    "relieved",
    "brave",
    "calm",
    "numb",
    "positive",
    "strong",
    "weak",
    "emotional",
    "tearful",
    "happy",
    "proud",
    "frustrated",
    "confused",
]
BIOMARKERS = ["egfr", "alk", "ros1", "braf", "kras", "ntrk", "ret", "her2", "met", "pd-l1", "nrg1"]
ABBREVIATIONS = ["nsclc", "sclc", "tki", "adc", "io", "sbrt", "mets", "ngs", "ecog"]
MISSPELLINGS = [
    "osimertinb",
    "osimertnib",
    "tagriso",
    "tagrisoo",
    "alectnib",
    "alecensa",
    "lorlatinb",
    "lorbrenna",
    "crizotnib",
    "brigatinb",
    "sotorasb",
    "lumakras",
    "keytruda",
    "keytrudra",
    "pembrolizumab",
    "pembro",
    "chemotherepy",
    "immunotheraphy",
    "radiotherapie",
    "fatique",
    "diarhea",
    "nausia",
    "neuropathie",
    "biopsey",
    "bronchoscopey",
    "oncologyst",
    "metastatic",
    "metastic",
]


def catalogue_names() -> tuple[list[str], list[str]]:
    from articles.catalogue import TREATMENTS

    generics, brands = [], []
    for _slug, generic, brand_names, *_ in TREATMENTS:
        generics.append(generic.lower())
        brands.extend(b.strip().lower() for b in brand_names.split(",") if b.strip())
    return generics, brands


class Writer:
    """Random text with a realistic word mix: filler words most, drug names and typos rarely."""

    def __init__(self, rng: random.Random):
        generics, brands = catalogue_names()
        groups = [
            (FILLER, 55.0),
            (LIVING, 20.0),
            (SYMPTOMS, 9.0),
            (TESTS, 6.0),
            (FEELINGS, 5.0),
            (BIOMARKERS, 2.0),
            (ABBREVIATIONS, 1.2),
            (generics, 1.0),
            (brands, 0.6),
            (MISSPELLINGS, 0.2),
        ]
        self.words, cumulative, total = [], [], 0.0
        for words, share in groups:
            # Zipf-like inside a group: the first words of each list are the common ones.
            weights = [1.0 / (rank + 2) for rank in range(len(words))]
            scale = share / sum(weights)
            for word, weight in zip(words, weights, strict=True):
                total += weight * scale
                self.words.append(word)
                cumulative.append(total)
        self.cumulative = cumulative
        self.rng = rng

    def words_(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def text(self, low: int, high: int, mean: float) -> str:
        count = max(low, min(high, int(self.rng.lognormvariate(0, 0.7) * mean)))
        words = self.words_(count)
        out, start = [], 0
        while start < len(words):
            end = start + self.rng.randint(6, 16)
            sentence = " ".join(words[start:end])
            out.append(sentence[:1].upper() + sentence[1:] + self.rng.choice(".....?!"))
            start = end
        return " ".join(out)

    def title(self, low: int, high: int) -> str:
        title = ""
        while len(title) < 15:
            words = self.words_(self.rng.randint(low, high))
            title = " ".join(words)
        return (title[:1].upper() + title[1:])[:190] + "?"


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


SEARCH_TABLES = ["articles_article", "community_question", "community_answer", "community_update", "community_comment"]


def searchable_rows() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = " + ".join(f"(SELECT count(*) FROM {t})" for t in SEARCH_TABLES)  # noqa: S608 (constant table names)
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def copy_rows(model, rows, fields: list[str]) -> int:
    """COPY rows (tuples in `fields` order) into the model's table; other columns get the field default."""
    from django.db import connection

    concrete = {f.name: f for f in model._meta.concrete_fields if not f.primary_key and f.name != "search_vector"}
    rest = [f for name, f in concrete.items() if name not in fields]
    defaults = []
    for f in rest:
        value = datetime.now(UTC) if getattr(f, "auto_now", False) else f.get_default()
        if f.get_internal_type() == "JSONField":
            value = json.dumps(value)
        defaults.append(value)
    columns = [concrete[name].column for name in fields] + [f.column for f in rest]
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *defaults))
                count += 1
    return count


def ids_of(model) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def load(target: int) -> None:
    from django.db import connection, transaction

    from accounts.models import Profile, User
    from articles.models import Article, Contributor
    from community.models import Answer, Block, Comment, Question, Update

    rng = random.Random(SEED)  # noqa: S311 (reproducible test data, not secrets)
    writer = Writer(rng)
    now = datetime.now(UTC)
    start = time.monotonic()

    def when(days: int = 1500) -> datetime:
        return now - timedelta(seconds=rng.randint(60, days * 86400))

    def state() -> str:
        roll = rng.random()
        return "visible" if roll < 0.96 else "pending" if roll < 0.98 else "hidden" if roll < 0.99 else "removed"

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, articles_article, articles_contributor, community_question, "
            "community_answer, community_update, community_comment RESTART IDENTITY CASCADE"
        )
        # The GIN indexes are rebuilt once after the load (much faster than row by row); the triggers
        # stay on, so every row gets exactly the search_vector the application would give it.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE '%%USING gin%%'",
            [SEARCH_TABLES],
        )
        gin_indexes = cursor.fetchall()
        for name, _definition in gin_indexes:
            cursor.execute(f"DROP INDEX {name}")

    counts = {kind: int((target - ARTICLES) * share) for kind, share in SHARES.items()}
    counts["comment"] = target - ARTICLES - sum(v for k, v in counts.items() if k != "comment")

    with transaction.atomic():
        # Members: a few are very active (author index drawn with a power-law skew).
        first = [
            "Sam",
            "Alex",
            "Jo",
            "Chris",
            "Pat",
            "Lee",
            "Robin",
            "Morgan",
            "Casey",
            "Jamie",
            "Taylor",
            "Ann",
            "Maria",
            "Ahmed",
            "Wei",
            "Priya",
            "Tom",
        ]
        last = [
            "Smith",
            "Jones",
            "Brown",
            "Khan",
            "Patel",
            "Garcia",
            "Chen",
            "Murphy",
            "Wilson",
            "Taylor",
            "Nguyen",
            "Kelly",
            "Walsh",
            "Okafor",
        ]
        copy_rows(
            User,
            (
                (f"member{i}@bench.example", f"{rng.choice(first)} {rng.choice(last)} {i}", "!", when(2000))
                for i in range(MEMBERS)
            ),
            ["email", "display_name", "password", "date_joined"],
        )
        users = ids_of(User)
        regions = [
            "London",
            "Leeds",
            "Dublin",
            "Cardiff",
            "Glasgow",
            "Ohio",
            "Texas",
            "Ontario",
            "Sydney",
            "Auckland",
            "Kent",
            "Devon",
        ]
        copy_rows(
            Profile,
            ((uid, rng.choice(regions), rng.choice(["members", "members", "only_me"])) for uid in users),
            ["user", "location", "location_visibility"],
        )

        def author() -> int:
            return users[int(len(users) * rng.random() ** 3)]

        contributor = Contributor.objects.create(name="Bench Writer")
        copy_rows(
            Article,
            (
                (
                    writer.title(4, 9).rstrip("?"),
                    f"bench-article-{i}",
                    writer.text(15, 40, 25)[:290],
                    writer.text(300, 2500, 800),
                    contributor.pk,
                    "published" if i % 20 else "draft",
                    when() if i % 20 else None,
                    now,
                )
                for i in range(ARTICLES)
            ),
            ["title", "slug", "summary", "body", "author", "status", "published_at", "created_at"],
        )
        articles = ids_of(Article)

        # Which question each answer belongs to, decided first so answer_count is right on insert.
        answer_question = [int(counts["question"] * rng.random() ** 1.5) for _ in range(counts["answer"])]
        per_question = [0] * counts["question"]
        for index in answer_question:
            per_question[index] += 1
        copy_rows(
            Question,
            (
                (
                    author(),
                    writer.title(5, 14),
                    "bench",
                    writer.text(0, 600, 70),
                    state(),
                    when(),
                    per_question[i],
                    rng.random() < 0.05,
                )
                for i in range(counts["question"])
            ),
            ["author", "title", "slug", "details", "moderation_state", "created_at", "answer_count", "is_anonymous"],
        )
        questions = ids_of(Question)
        print(f"  members, articles, questions: {time.monotonic() - start:.0f} s", flush=True)
        copy_rows(
            Answer,
            ((questions[q], author(), writer.text(3, 800, 60), state(), when()) for q in answer_question),
            ["question", "author", "text", "moderation_state", "created_at"],
        )
        answers = ids_of(Answer)
        print(f"  answers: {time.monotonic() - start:.0f} s", flush=True)
        copy_rows(
            Update,
            ((author(), writer.text(2, 500, 45), state(), when()) for _ in range(counts["update"])),
            ["author", "text", "moderation_state", "created_at"],
        )
        updates = ids_of(Update)
        print(f"  updates: {time.monotonic() - start:.0f} s", flush=True)

        def comment():
            roll = rng.random()
            target = (
                (rng.choice(articles), None, None)
                if roll < 0.05
                else (None, rng.choice(updates), None)
                if roll < 0.55
                else (None, None, rng.choice(answers))
            )
            return (author(), *target, writer.text(2, 300, 25), state(), when(), rng.random() < 0.01)

        copy_rows(
            Comment,
            (comment() for _ in range(counts["comment"])),
            ["author", "article", "update", "answer", "text", "moderation_state", "created_at", "is_removed"],
        )
        print(f"  comments: {time.monotonic() - start:.0f} s", flush=True)

        # The benchmark's viewer: a verified member with a few blocks both ways (some on busy authors).
        viewer = User.objects.get(pk=users[-1])
        for blocked in users[:2] + users[100:103]:
            Block.objects.create(blocker=viewer, blocked_id=blocked)
        for blocker in users[2:3] + users[200:202]:
            Block.objects.create(blocker_id=blocker, blocked=viewer)

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in gin_indexes:
            cursor.execute(definition)
    print(f"  indexes: {time.monotonic() - start:.0f} s", flush=True)


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


def run_queries(viewer) -> list[tuple[float, str, list[dict]]]:
    from django.db import connection, reset_queries

    from community.search import search

    for query in QUERIES:  # warm-up pass: caches, plans, the viewer's permission cache
        search(viewer=viewer, raw_query=query)
    timings = []
    for query in QUERIES:
        reset_queries()
        started = time.perf_counter()
        search(viewer=viewer, raw_query=query)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append((elapsed, query, list(connection.queries)))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(timings) -> None:
    from django.db import connection

    values = [t for t, _, _ in timings]
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
    by_query = {q: t for t, q, _ in timings}
    for name, queries in kinds.items():
        group = [by_query[q] for q in queries]
        print(f"  {name:<13} n={len(group):>3} median {statistics.median(group):7.1f} ms  max {max(group):7.1f} ms")
    slowest = sorted(timings, reverse=True)[:3]
    for elapsed, query, queries in slowest:
        worst = max(queries, key=lambda q: float(q["time"]))
        print(
            f"\n=== {query!r}: {elapsed:.1f} ms in {len(queries)} SQL statements; "
            f"slowest statement {float(worst['time']) * 1000:.1f} ms ==="
        )
        print(worst["sql"][:1500])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + worst["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="searchable rows to load (default 1000000)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the benchmark database first")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/kindred_bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "true"  # connection.queries records every statement and its time
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
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size {cursor.fetchone()[0]}")
    report(run_queries(the_viewer()))


if __name__ == "__main__":
    main()
