"""Demo trials for `seed_demo`: Kindred's own fictional studies in trials/demo_studies/, in the
ClinicalTrials.gov API v2 format, loaded through the real importer and marked `is_demo`.

Idempotent: the importer upserts by NCT ID and writes nothing for a study that has not changed, so
running it again adds nothing (and picks up edits to the files)."""

from pathlib import Path

import trials
from trials.importer import import_studies

DEMO_STUDIES = Path(trials.__file__).resolve().parent / "demo_studies"


def seed() -> dict[str, int]:
    """Import the demo studies; returns {"demo trials": how many were added}, or {} if none were."""
    report = import_studies(DEMO_STUDIES, is_demo=True, progress=False)
    return {"demo trials": report.added} if report.added else {}
