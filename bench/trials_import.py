"""Clinical trials import benchmark: 50,000 synthetic studies through `trials.importer` on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_trials_bench .venv/bin/python bench/trials_import.py
    # --studies 50000 --per-page 1000 --batch-size 500

Drops and recreates the database named in DATABASE_URL (never point it at one you keep), migrates it,
and writes the studies as API v2 page files into a temporary folder: plainly fictional records
(NCT9xxxxxxx, "Synthetic benchmark study; not a real trial"), sized like real lung cancer records
(eligibility text of a few thousand characters, 1-20 sites, 1-3 interventions, some naming catalogue
medicines, about two thirds naming a biomarker). Then it times three imports of the folder:

1. the first, into empty tables;
2. the same folder again, which must add and update nothing;
3. after 5% of the studies changed status (recruiting ones stop, the others start).

For each it prints the summary line, seconds (and how many of them were this process's CPU time, the
rest being PostgreSQL and waiting for a shared machine), studies per second and SQL statements.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIOMARKER_PHRASES = [
    "EGFR exon 19 deletion",
    "EGFR L858R",
    "ALK rearrangement",
    "ROS1 fusion",
    "KRAS G12C",
    "MET exon 14 skipping",
    "RET fusion",
    "HER2 mutation",
    "BRAF V600E",
    "NTRK gene fusion",
    "PD-L1 TPS ≥ 50%",
]
MEDICINES = ["Osimertinib 80 mg", "Alecensa", "Lorlatinib", "Sotorasib", "Capmatinib", "Selpercatinib", "Tafinlar"]
OTHER_INTERVENTIONS = ["Synthetic study drug SX-1", "Placebo", "Standard chemotherapy", "Exercise programme"]
STATUSES = ["RECRUITING"] * 8 + ["NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING"]
COUNTRIES = [
    ("United States", "Ohio", 40.0, -83.0),
    ("United Kingdom", "", 52.5, -1.9),
    ("Canada", "Ontario", 43.7, -79.4),
    ("Germany", "", 50.1, 8.7),
    ("Australia", "Victoria", -37.8, 145.0),
    ("France", "", 45.8, 4.8),
    ("Japan", "", 35.7, 139.7),
    ("Spain", "", 40.4, -3.7),
]
FILLER = (
    "Adequate organ function as shown by blood tests taken in the two weeks before the first dose. "
    "Able to swallow tablets and to attend the study visits. "
)


def synthetic_study(number: int, rng: random.Random, status: str | None = None) -> dict:
    nct_id = f"NCT9{number:07d}"
    marker = rng.choice(BIOMARKER_PHRASES) if rng.random() < 0.66 else None
    inclusion = [f"Synthetic criterion {i}: {FILLER}" for i in range(rng.randint(6, 20))]
    if marker:
        inclusion.insert(0, f"Tumour with {marker} confirmed by a laboratory")
    exclusion = [f"Synthetic exclusion {i}: {FILLER}" for i in range(rng.randint(4, 12))]
    if rng.random() < 0.3:
        exclusion.append("Known EGFR mutation or ALK rearrangement")
    interventions = [
        {"type": "DRUG", "name": rng.choice(MEDICINES if rng.random() < 0.5 else OTHER_INTERVENTIONS)}
        for _ in range(rng.randint(1, 3))
    ]
    locations = []
    for site in range(rng.choice([1, 1, 2, 3, 5, 8, 12, 20])):
        country, state, lat, lon = rng.choice(COUNTRIES)
        locations.append(
            {
                "facility": f"Synthetic Site {number}-{site}",
                "status": "RECRUITING",
                "city": f"Town {site}",
                "state": state,
                "country": country,
                "geoPoint": {"lat": lat + rng.random(), "lon": lon + rng.random()},
            }
        )
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct_id,
                "briefTitle": f"Synthetic benchmark study {number} in non-small cell lung cancer",
                "officialTitle": f"Synthetic benchmark study {number}; not a real trial",
            },
            "statusModule": {
                "overallStatus": status or rng.choice(STATUSES),
                "lastUpdatePostDateStruct": {"date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"},
            },
            "descriptionModule": {"briefSummary": "Synthetic benchmark study; not a real trial. " + FILLER * 3},
            "conditionsModule": {"conditions": ["Non-small Cell Lung Cancer"], "keywords": ["synthetic", "benchmark"]},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": [rng.choice(["PHASE1", "PHASE2", "PHASE3"])]},
            "armsInterventionsModule": {"interventions": interventions},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n"
                + "\n".join(f"* {line}" for line in inclusion)
                + "\n\nExclusion Criteria:\n\n"
                + "\n".join(f"* {line}" for line in exclusion),
                "minimumAge": "18 Years",
                "sex": "ALL",
            },
            "contactsLocationsModule": {"locations": locations},
        }
    }


def write_pages(folder: Path, studies: list[dict], per_page: int) -> None:
    for start in range(0, len(studies), per_page):
        page = {"studies": studies[start : start + per_page]}
        (folder / f"page-{start // per_page:05d}.json").write_text(json.dumps(page))


def fresh_database(url: str) -> None:
    parsed = urlparse(url)
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    name = parsed.path.lstrip("/")
    subprocess.run(["dropdb", *args, "--if-exists", name], check=True)
    subprocess.run(["createdb", *args, name], check=True)
    print(f"recreated database {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=50_000)
    parser.add_argument("--per-page", type=int, default=1_000, help="studies per page file (the API's maximum)")
    parser.add_argument("--batch-size", type=int, default=500)
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a throwaway database, e.g. postgres://postgres@127.0.0.1:5432/kindred_trials_bench"
        )
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdefghijklmnop")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from trials.importer import import_studies
    from trials.models import Trial, TrialBiomarkerMatch, TrialIntervention, TrialSite

    call_command("migrate", verbosity=0)

    rng = random.Random(25)  # noqa: S311 (synthetic data, the same every run)
    started = time.perf_counter()
    studies = [synthetic_study(n, rng) for n in range(1, options.studies + 1)]
    with tempfile.TemporaryDirectory(prefix="kindred-trials-bench-") as tmp:
        folder = Path(tmp)
        write_pages(folder, studies, options.per_page)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(
            f"wrote {options.studies:,} studies in {len(list(folder.iterdir()))} page files "
            f"({size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )

        def timed(label: str) -> None:
            queries = 0

            def count(execute, sql, params, many, context):
                nonlocal queries
                queries += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                began, cpu = time.perf_counter(), time.process_time()
                report = import_studies(folder, batch_size=options.batch_size, progress=False)
                seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
            print(
                f"{label}: {report.summary}; {seconds:.1f} s ({cpu:.1f} s of it this process's CPU), "
                f"{options.studies / seconds:,.0f} studies/s, {queries:,} SQL statements",
                flush=True,
            )
            for line in report.problems[:5]:
                print(f"  {line}")

        timed("first import")
        print(
            f"  rows: {Trial.objects.count():,} trials, {TrialSite.objects.count():,} sites, "
            f"{TrialIntervention.objects.count():,} interventions, {TrialBiomarkerMatch.objects.count():,} matches"
        )
        timed("same files again")

        changed = rng.sample(range(options.studies), options.studies // 20)
        for index in changed:
            section = studies[index]["protocolSection"]
            recruiting = section["statusModule"]["overallStatus"] == "RECRUITING"
            section["statusModule"]["overallStatus"] = "COMPLETED" if recruiting else "RECRUITING"
        write_pages(folder, studies, options.per_page)
        timed(f"{len(changed):,} studies changed status")


if __name__ == "__main__":
    main()
