"""Kindred's fictional demo studies (trials/demo_studies/), loaded through the real importer: what the
demo shows, that it is plainly not real, and that loading it again adds nothing."""

import io
import json
import shutil

import pytest
from django.core.management import call_command

from demo import trials as trials_demo
from trials.importer import import_studies
from trials.models import Trial

DEMO_FILES = sorted(trials_demo.DEMO_STUDIES.glob("*.json"))


@pytest.fixture
def demo_trials(db):
    assert trials_demo.seed() == {"demo trials": 12}
    return {t.nct_id: t for t in Trial.objects.prefetch_related("sites", "interventions__treatment")}


def _matches(trial):
    return {m.biomarker.code: str(m) for m in trial.biomarker_matches.select_related("biomarker")}


def test_every_demo_study_says_it_is_fictional():
    assert len(DEMO_FILES) == 12
    for path in DEMO_FILES:
        (study,) = json.loads(path.read_text())["studies"]
        section = study["protocolSection"]
        assert section["identificationModule"]["nctId"].startswith("NCT99")
        assert section["identificationModule"]["briefTitle"].startswith("Kindred Demo: ")
        assert section["descriptionModule"]["briefSummary"].startswith("Demo study for Kindred; not a real trial.")
        for location in section["contactsLocationsModule"]["locations"]:
            assert location["facility"].endswith("(fictional)")


def test_the_demo_studies_are_imported_as_demo_trials(demo_trials):
    assert len(demo_trials) == 12 and all(t.is_demo for t in demo_trials.values())
    assert sorted(n for n, t in demo_trials.items() if not t.is_recruiting) == ["NCT99000012"]
    closed = demo_trials["NCT99000012"]
    assert closed.overall_status == "ACTIVE_NOT_RECRUITING" and closed.closed_at and not closed.recruiting_since
    countries = {site.country for t in demo_trials.values() for site in t.sites.all()}
    assert {"United States", "United Kingdom", "Canada", "Germany", "Australia"} <= countries


def test_each_demo_study_shows_what_kindred_matched_and_where(demo_trials):
    matches = {nct_id: _matches(trial) for nct_id, trial in demo_trials.items()}

    assert matches == {
        "NCT99000001": {"EGFR": "EGFR exon 19 deletion in the inclusion criteria"},
        "NCT99000002": {"EGFR": "EGFR-Mutant in the title"},
        "NCT99000003": {"ALK": "ALK-Positive in the title"},
        "NCT99000004": {"ROS1": "ROS1 Fusion in the title"},
        "NCT99000005": {"KRAS": "KRAS G12C in the conditions"},
        "NCT99000006": {"MET": "MET exon 14 skipping in the keywords"},
        "NCT99000007": {"RET": "RET Fusion in the title"},
        "NCT99000008": {"HER2": "HER2-Mutant in the title"},
        "NCT99000009": {"BRAF": "BRAF V600E in the title"},
        "NCT99000010": {"NTRK": "NTRK Gene Fusion in the title"},
        # EGFR and ALK are named only in its exclusion criteria.
        "NCT99000011": {"PD-L1": "PD-L1 TPS ≥ 50% in the inclusion criteria"},
        "NCT99000012": {"ALK": "ALK-Positive in the title"},  # its official title
    }


def test_demo_interventions_are_linked_to_the_catalogue_by_generic_or_brand_name(demo_trials):
    linked = {
        intervention.name: intervention.treatment.slug if intervention.treatment else None
        for trial in demo_trials.values()
        for intervention in trial.interventions.all()
    }

    assert linked["Osimertinib 80 mg"] == "osimertinib"
    assert linked["Augtyro"] == "repotrectinib"
    assert linked["Tabrecta 400 mg tablets"] == "capmatinib"
    assert linked["Tafinlar"] == "dabrafenib"
    assert linked["Trastuzumab deruxtecan 5.4 mg/kg"] == "trastuzumab-deruxtecan"
    assert linked["Lorlatinib 100 mg once daily"] == "lorlatinib"
    assert linked["Demo placebo"] is None and linked["Demo home walking programme"] is None


def test_loading_the_demo_again_adds_nothing_and_writes_nothing(demo_trials):
    before = list(Trial.objects.order_by("nct_id").values())

    assert trials_demo.seed() == {}
    assert list(Trial.objects.order_by("nct_id").values()) == before


def test_a_demo_study_that_stops_recruiting_is_closed_and_kept(demo_trials, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(trials_demo.DEMO_STUDIES, folder)
    path = folder / "NCT99000003.json"
    data = json.loads(path.read_text())
    data["studies"][0]["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    path.write_text(json.dumps(data))

    report = import_studies(folder, is_demo=True)

    assert report.summary == "added 0, updated 1, unchanged 11, closed 1, skipped 0"
    trial = Trial.objects.get(nct_id="NCT99000003")
    assert not trial.is_recruiting and trial.closed_at and trial.recruiting_since
    assert _matches(trial) == {"ALK": "ALK-Positive in the title"} and trial.sites.count() == 3


def test_seed_demo_loads_the_trials_once(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
    first, second = io.StringIO(), io.StringIO()

    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    assert "12 demo trials" in first.getvalue()
    assert "Demo content is already loaded; nothing added." in second.getvalue()
    assert Trial.objects.filter(is_demo=True).count() == 12
