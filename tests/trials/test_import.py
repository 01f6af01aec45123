"""`import_trials` and the importer behind it, on real PostgreSQL: what an operator sees in the summary
and what ends up in the trial tables, for good records, changed records and hostile ones."""

import copy
import http.server
import io
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection

from trials import importer
from trials.importer import import_studies
from trials.models import Trial, TrialBiomarkerMatch, TrialIntervention, TrialSite


def study(nct_id="NCT00000001", *, status="RECRUITING", title=None, **modules):
    """A small valid record in the API v2 format; keyword arguments replace whole modules."""
    section = {
        "identificationModule": {
            "nctId": nct_id,
            "briefTitle": title or f"Test study {nct_id} in EGFR-mutant lung cancer",
            "officialTitle": "A test record written for Kindred's tests",
        },
        "statusModule": {"overallStatus": status, "lastUpdatePostDateStruct": {"date": "2026-11-02"}},
        "descriptionModule": {"briefSummary": "Test record; not a real trial."},
        "conditionsModule": {"conditions": ["Non-small Cell Lung Cancer"], "keywords": ["test"]},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"]},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "Osimertinib 80 mg"}]},
        "eligibilityModule": {
            "eligibilityCriteria": "Inclusion Criteria:\n\n* Adults\n\nExclusion Criteria:\n\n* ALK fusion",
            "minimumAge": "18 Years",
            "sex": "ALL",
        },
        "contactsLocationsModule": {
            "locations": [
                {
                    "facility": "Test Clinic",
                    "status": "RECRUITING",
                    "city": "Leeds",
                    "country": "United Kingdom",
                    "geoPoint": {"lat": 53.8, "lon": -1.55},
                }
            ]
        },
    }
    section.update(modules)
    return {"protocolSection": section}


def page(*studies, token=None):
    data = {"studies": list(studies)}
    if token:
        data["nextPageToken"] = token
    return data


def write(path, data):
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def run(source, *args):
    out = io.StringIO()
    call_command("import_trials", str(source), *args, stdout=out)
    return out.getvalue()


# --- Good records -------------------------------------------------------------------------------


def test_a_page_file_is_imported_with_its_sites_interventions_and_matches(db, tmp_path, capsys):
    source = write(tmp_path / "page.json", page(study("NCT00000001"), study("NCT00000002", status="COMPLETED")))

    output = run(source)

    assert output.splitlines()[0] == "added 2, updated 0, unchanged 0, closed 0, skipped 0"
    assert capsys.readouterr().err == ""  # no progress bar when the output is not a terminal
    trial = Trial.objects.get(nct_id="NCT00000001")
    assert trial.is_recruiting and trial.recruiting_since and trial.closed_at is None
    assert trial.registry_updated_on.isoformat() == "2026-11-02"
    assert trial.phases == ["PHASE2"] and trial.conditions == ["Non-small Cell Lung Cancer"]
    site = trial.sites.get()
    assert (site.facility, site.city, site.country, site.latitude, site.longitude) == (
        "Test Clinic",
        "Leeds",
        "United Kingdom",
        53.8,
        -1.55,
    )
    intervention = trial.interventions.get()
    assert (intervention.kind, intervention.name, intervention.treatment.slug) == (
        "DRUG",
        "Osimertinib 80 mg",
        "osimertinib",
    )
    # EGFR from the title; ALK only in the exclusion criteria, so not at all.
    assert [str(m) for m in trial.biomarker_matches.all()] == ["EGFR-mutant in the title"]


def test_only_recruiting_counts_as_recruiting_and_the_rest_are_stored_closed(db, tmp_path):
    statuses = ["RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING"]
    run(write(tmp_path / "p.json", page(*(study(f"NCT0000000{i}", status=s) for i, s in enumerate(statuses)))))

    stored = {t.overall_status: (t.is_recruiting, t.closed_at is not None) for t in Trial.objects.all()}
    assert stored == {
        "RECRUITING": (True, False),
        "NOT_YET_RECRUITING": (False, True),
        "ENROLLING_BY_INVITATION": (False, True),
        "ACTIVE_NOT_RECRUITING": (False, True),
    }


def test_running_the_same_import_again_changes_nothing(db, tmp_path):
    source = write(tmp_path / "page.json", page(study("NCT00000001"), study("NCT00000002")))
    run(source)
    before = list(Trial.objects.order_by("nct_id").values())
    site_ids = set(TrialSite.objects.values_list("id", flat=True))

    output = run(source)

    assert output.strip() == "added 0, updated 0, unchanged 2, closed 0, skipped 0"
    assert list(Trial.objects.order_by("nct_id").values()) == before  # imported_at included
    assert set(TrialSite.objects.values_list("id", flat=True)) == site_ids


def test_a_changed_record_replaces_the_trial_and_everything_under_it(db, tmp_path):
    run(write(tmp_path / "page.json", page(study("NCT00000001"))))
    trial = Trial.objects.get()
    first_imported = trial.first_imported_at
    changed = study(
        "NCT00000001",
        title="Test study in KRAS G12C lung cancer",
        conditionsModule={"conditions": [], "keywords": []},
        designModule={"phases": ["PHASE1", "PHASE2"]},
        armsInterventionsModule={"interventions": [{"type": "DRUG", "name": "Lumakras"}]},
        contactsLocationsModule={
            "locations": [
                {"facility": "Clinic A", "city": "Perth", "country": "Australia"},
                {"facility": "Clinic B", "city": "Ottawa", "country": "Canada"},
            ]
        },
    )

    output = run(write(tmp_path / "page.json", page(changed)))

    assert output.strip() == "added 0, updated 1, unchanged 0, closed 0, skipped 0"
    trial.refresh_from_db()
    assert trial.brief_title == "Test study in KRAS G12C lung cancer"
    assert (trial.conditions, trial.keywords, trial.phases, trial.study_type) == ([], [], ["PHASE1", "PHASE2"], "")
    assert trial.first_imported_at == first_imported and trial.imported_at > first_imported
    assert sorted(trial.sites.values_list("country", flat=True)) == ["Australia", "Canada"]
    assert [(i.name, i.treatment.slug) for i in trial.interventions.all()] == [("Lumakras", "sotorasib")]
    assert [(m.biomarker.code, m.words, m.found_in) for m in trial.biomarker_matches.all()] == [
        ("KRAS", "KRAS G12C", "title")
    ]


def test_a_trial_that_stops_recruiting_is_closed_and_kept(db, tmp_path):
    run(write(tmp_path / "page.json", page(study("NCT00000001"), study("NCT00000002"))))
    recruiting_since = Trial.objects.get(nct_id="NCT00000001").recruiting_since

    output = run(write(tmp_path / "page.json", page(study("NCT00000001", status="COMPLETED"), study("NCT00000002"))))

    assert output.strip() == "added 0, updated 1, unchanged 1, closed 1, skipped 0"
    trial = Trial.objects.get(nct_id="NCT00000001")
    assert not trial.is_recruiting and trial.overall_status == "COMPLETED" and trial.closed_at
    assert trial.recruiting_since == recruiting_since  # when it last started recruiting, kept
    assert trial.sites.count() == 1 and trial.biomarker_matches.count() == 1


def test_a_trial_that_recruits_again_is_recruiting_since_now(db, tmp_path):
    run(write(tmp_path / "page.json", page(study("NCT00000001"))))
    first_since = Trial.objects.get().recruiting_since
    run(write(tmp_path / "page.json", page(study("NCT00000001", status="SUSPENDED"))))
    run(write(tmp_path / "page.json", page(study("NCT00000001"))))

    trial = Trial.objects.get()
    assert trial.is_recruiting and trial.closed_at is None and trial.recruiting_since > first_since


def test_a_folder_is_read_in_name_order_and_a_later_duplicate_wins_counted_once(db, tmp_path):
    write(tmp_path / "02.json", page(study("NCT00000001", title="Second version"), study("NCT00000003")))
    write(tmp_path / "01.json", page(study("NCT00000001", title="First version"), study("NCT00000002")))
    write(tmp_path / "notes.txt", "not a page")

    output = run(tmp_path)

    assert output.strip() == "added 3, updated 0, unchanged 0, closed 0, skipped 0"
    assert Trial.objects.get(nct_id="NCT00000001").brief_title == "Second version"


def test_a_duplicate_within_one_page_is_counted_once_and_the_later_one_is_kept(db, tmp_path):
    output = run(write(tmp_path / "p.json", page(study(title="Old title"), study(title="New title"))))

    assert output.strip() == "added 1, updated 0, unchanged 0, closed 0, skipped 0"
    assert Trial.objects.get().brief_title == "New title"


def test_a_single_study_object_as_the_api_returns_it_for_one_nct_id_is_accepted(db, tmp_path):
    output = run(write(tmp_path / "one.json", study("NCT00000009")))

    assert output.startswith("added 1,")


def test_a_month_only_update_date_is_the_first_of_that_month(db, tmp_path):
    record = study(statusModule={"overallStatus": "RECRUITING", "lastUpdatePostDateStruct": {"date": "2026-09"}})
    run(write(tmp_path / "p.json", page(record)))

    assert Trial.objects.get().registry_updated_on.isoformat() == "2026-09-01"


def test_close_missing_closes_recruiting_trials_the_source_no_longer_lists(db, tmp_path):
    run(write(tmp_path / "p.json", page(study("NCT00000001"), study("NCT00000002"))))

    output = run(write(tmp_path / "p.json", page(study("NCT00000001"))), "--close-missing")

    assert output.strip() == "added 0, updated 0, unchanged 1, closed 1, skipped 0"
    assert list(Trial.objects.filter(is_recruiting=True).values_list("nct_id", flat=True)) == ["NCT00000001"]
    assert Trial.objects.get(nct_id="NCT00000002").closed_at is not None


def test_close_missing_is_not_applied_when_a_page_could_not_be_read(db, tmp_path):
    run(write(tmp_path / "p.json", page(study("NCT00000001"), study("NCT00000002"))))
    folder = tmp_path / "pages"
    folder.mkdir()
    write(folder / "01.json", page(study("NCT00000001")))
    write(folder / "02.json", "{broken")

    output = run(folder, "--close-missing")

    assert "close-missing not applied: the source was not read completely" in output
    assert Trial.objects.filter(is_recruiting=True).count() == 2


# --- Hostile and broken input -------------------------------------------------------------------


def _with(path: str, value):
    """A valid study with one value at `path` (dotted, in protocolSection) replaced, or removed if None."""
    record = study("NCT00000005")
    target = record["protocolSection"]
    *parents, last = path.split(".")
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return record


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        ("conditionsModule.conditions", "Lung cancer", "conditionsModule.conditions should be a list, not text"),
        ("conditionsModule.keywords", [1, 2], "conditionsModule.keywords item 1 should be text, not a number"),
        ("designModule", ["PHASE2"], "designModule should be an object, not a list"),
        ("statusModule", None, "statusModule is missing"),
        ("statusModule.overallStatus", "  ", "statusModule.overallStatus is missing"),
        ("statusModule.lastUpdatePostDateStruct.date", "yesterday", "should be a date like 2026-01-31"),
        ("statusModule.lastUpdatePostDateStruct.date", "2026-02-30", "is not a real date"),
        ("identificationModule.briefTitle", None, "identificationModule.briefTitle is missing"),
        ("identificationModule.briefTitle", {"text": "x"}, "briefTitle should be text, not an object"),
        ("contactsLocationsModule.locations", {"city": "Leeds"}, "locations should be a list, not an object"),
        ("contactsLocationsModule.locations", ["Leeds"], "locations item 1 should be an object, not text"),
        (
            "contactsLocationsModule.locations",
            [{"country": "France", "geoPoint": {"lat": "48.8", "lon": 2.3}}],
            "locations item 1.geoPoint.lat should be a number, not text",
        ),
        (
            "contactsLocationsModule.locations",
            [{"country": "France", "geoPoint": {"lat": 480, "lon": 2.3}}],
            "geoPoint.lat is out of range",
        ),
        ("armsInterventionsModule.interventions", [{"name": True}], "name should be text, not true/false"),
        ("eligibilityModule.eligibilityCriteria", ["Adults"], "eligibilityCriteria should be text, not a list"),
    ],
)
def test_a_record_with_a_malformed_field_is_skipped_with_its_nct_id_and_the_reason(db, tmp_path, path, value, reason):
    output = run(write(tmp_path / "p.json", page(study("NCT00000001"), _with(path, value))))

    summary, problem = output.splitlines()
    assert summary == "added 1, updated 0, unchanged 0, closed 0, skipped 1"
    assert problem.startswith("skipped NCT00000005 (p.json, study 2): ") and reason in problem
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT00000001"]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"protocolSection": {"statusModule": {"overallStatus": "RECRUITING"}}}, "identificationModule is missing"),
        ({"derivedSection": {}}, "protocolSection is missing"),
        ("NCT00000007", "a study should be an object, not text"),
        (study("NCT123"), 'nctId "NCT123" is not an NCT ID'),
        (study("nct00000001 OR 1=1"), "is not an NCT ID"),
        (_with("identificationModule.nctId", 12345678), "nctId should be text, not a number"),
    ],
)
def test_a_record_without_a_usable_nct_id_is_named_by_its_position(db, tmp_path, record, reason):
    output = run(write(tmp_path / "p.json", page(record, study("NCT00000001"))))

    summary, problem = output.splitlines()
    assert summary == "added 1, updated 0, unchanged 0, closed 0, skipped 1"
    assert problem.startswith("skipped p.json, study 1: ") and reason in problem


def test_over_long_text_is_cut_to_the_columns_and_nul_characters_dropped(db, tmp_path):
    record = study(
        title="T" * 10_000,
        conditionsModule={"conditions": ["C" * 2_000], "keywords": ["K\x00ey"]},
        eligibilityModule={"eligibilityCriteria": "E" * 1_000_000, "minimumAge": "9" * 100, "sex": "ALL" * 10},
        contactsLocationsModule={"locations": [{"facility": "F" * 5_000, "city": "C" * 900, "country": "N" * 300}]},
    )
    record["protocolSection"]["descriptionModule"]["briefSummary"] = "broken \ud800 surrogate"

    output = run(write(tmp_path / "p.json", page(record)))

    assert output.startswith("added 1,")
    trial = Trial.objects.get()
    assert len(trial.brief_title) == 500 and trial.conditions == ["C" * 500] and trial.keywords == ["Key"]
    assert len(trial.eligibility_criteria) == importer.LONG_TEXT_MAX
    assert (len(trial.minimum_age), len(trial.sex)) == (40, 10)
    assert trial.summary == "broken ? surrogate"
    site = trial.sites.get()
    assert (len(site.facility), len(site.city), len(site.country)) == (500, 200, 100)


def test_html_in_a_title_is_stored_as_the_text_it_is(db, tmp_path):
    title = '<script>alert("x")</script> <b>EGFR</b> study &amp; more'
    run(write(tmp_path / "p.json", page(study(title=title))))

    assert Trial.objects.get().brief_title == title


def test_a_location_without_a_country_and_an_intervention_without_a_name_are_left_out(db, tmp_path):
    record = study(
        contactsLocationsModule={"locations": [{"facility": "Nowhere", "city": "?"}, {"country": "Japan"}]},
        armsInterventionsModule={"interventions": [{"type": "DRUG"}, {"type": "DRUG", "name": "Tagrisso"}]},
    )
    run(write(tmp_path / "p.json", page(record)))

    trial = Trial.objects.get()
    assert list(trial.sites.values_list("country", flat=True)) == ["Japan"]
    assert [(i.name, i.treatment.slug) for i in trial.interventions.all()] == [("Tagrisso", "osimertinib")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("this is not json", "not JSON"),
        ("", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),
        ('{"studies": {"a": 1}}', 'expected an object with a "studies" list; its "studies" is an object'),
        ('{"study": []}', 'expected an object with a "studies" list; its "studies" has none'),
        ("[]", 'expected an object with a "studies" list, not a list'),
        ("null", 'expected an object with a "studies" list, not null'),
    ],
)
def test_an_unreadable_file_is_reported_and_the_other_files_still_imported(db, tmp_path, content, reason):
    bad = tmp_path / "01-bad.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    write(tmp_path / "02-good.json", page(study("NCT00000001")))

    output = run(tmp_path)

    summary, problem = output.splitlines()
    assert summary == "added 1, updated 0, unchanged 0, closed 0, skipped 0"
    assert problem.startswith("01-bad.json: skipped, ") and reason in problem


def test_an_empty_page_and_a_missing_source_are_reported_without_an_error(db, tmp_path):
    assert run(write(tmp_path / "empty.json", page())).strip() == "added 0, updated 0, unchanged 0, closed 0, skipped 0"
    assert "no such file or folder" in run(tmp_path / "nowhere.json")
    (tmp_path / "empty").mkdir()
    assert "no .json files in this folder" in run(tmp_path / "empty")


def test_the_summary_lists_twenty_problems_then_says_how_many_more(db, tmp_path):
    records = [study(f"NCT{n:08d}", statusModule={}) for n in range(1, 26)]

    lines = run(write(tmp_path / "p.json", page(*records))).splitlines()

    assert lines[0] == "added 0, updated 0, unchanged 0, closed 0, skipped 25"
    assert lines[1] == "skipped NCT00000001 (p.json, study 1): statusModule.overallStatus is missing"
    assert len(lines) == 22 and lines[-1] == "and 5 more"


def test_a_study_the_database_refuses_is_skipped_and_the_rest_of_its_batch_still_goes_in(db, tmp_path):
    # A trigger stands in for anything PostgreSQL might refuse about one study; the test's transaction
    # drops it again.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN "
            "IF NEW.nct_id = 'NCT00000002' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; "
            "END $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER refuse_one BEFORE INSERT ON trials_trial FOR EACH ROW EXECUTE FUNCTION refuse_one();"
        )

    output = run(write(tmp_path / "p.json", page(*(study(f"NCT0000000{n}") for n in (1, 2, 3)))))

    assert output.splitlines() == [
        "added 2, updated 0, unchanged 0, closed 0, skipped 1",
        "skipped NCT00000002: the database refused it (refused for the test)",
    ]
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == ["NCT00000001", "NCT00000003"]
    # Nothing of the refused study was left behind.
    assert TrialSite.objects.count() == TrialIntervention.objects.count() == TrialBiomarkerMatch.objects.count() == 2


# --- From a URL ---------------------------------------------------------------------------------


class FakeRegistry:
    """A local HTTP server answering /api/v2/studies like the registry: pages linked by nextPageToken."""

    def __init__(self, pages: dict[str | None, object], fail: dict[str, int] | None = None):
        self.pages, self.fail, self.requests = pages, fail or {}, []
        registry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                registry.requests.append(self.path)
                token = query.get("pageToken", [None])[0]
                if token in registry.fail:
                    self.send_error(registry.fail[token])
                    return
                if token not in registry.pages:
                    self.send_error(404)
                    return
                body = json.dumps(registry.pages[token]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v2/studies?query.cond=lung+cancer&pageSize=2"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_url_is_read_page_by_page_following_next_page_token(db):
    pages = {
        None: page(study("NCT00000001"), study("NCT00000002"), token="second-page"),
        "second-page": page(study("NCT00000003")),
    }
    with FakeRegistry(pages) as registry:
        output = run(registry.url)

    assert output.strip() == "added 3, updated 0, unchanged 0, closed 0, skipped 0"
    assert registry.requests == [
        "/api/v2/studies?query.cond=lung+cancer&pageSize=2",
        "/api/v2/studies?query.cond=lung+cancer&pageSize=2&pageToken=second-page",
    ]


def test_a_page_that_fails_is_reported_and_the_pages_before_it_are_kept(db, monkeypatch):
    monkeypatch.setattr(importer, "RETRY_WAIT_SECONDS", 0)
    pages = {None: page(study("NCT00000001"), token="t2"), "t2": page(study("NCT00000002"))}
    with FakeRegistry(pages, fail={"t2": 503}) as registry:
        lines = run(registry.url).splitlines()

    assert lines[0] == "added 1, updated 0, unchanged 0, closed 0, skipped 0"
    assert lines[1].startswith("page 2 (http://127.0.0.1:") and "HTTP 503" in lines[1]
    assert lines[1].endswith("not imported and the pages after it")
    assert len(registry.requests) == 4  # the second page was tried three times


def test_a_url_that_answers_404_is_reported_once_without_retrying(db):
    with FakeRegistry({}) as registry:
        lines = run(registry.url).splitlines()

    assert lines[0] == "added 0, updated 0, unchanged 0, closed 0, skipped 0"
    assert "HTTP 404" in lines[1] and len(registry.requests) == 1


def test_a_url_page_that_is_not_json_or_repeats_a_token_stops_there(db):
    looping = {None: page(study("NCT00000001"), token="again"), "again": page(study("NCT00000002"), token="again")}
    with FakeRegistry(looping) as registry:
        output = run(registry.url)

    assert output.startswith("added 2,") and "nextPageToken already followed" in output
    assert len(registry.requests) == 2


def test_the_importer_returns_the_report_for_callers_other_than_the_command(db, tmp_path):
    record = study("NCT00000001")
    report = import_studies(write(tmp_path / "p.json", page(record, copy.deepcopy(record), "oops")))

    assert (report.added, report.skipped) == (1, 1)
    assert report.summary == "added 1, updated 0, unchanged 0, closed 0, skipped 1"
    assert report.lines()[1] == "skipped p.json, study 3: a study should be an object, not text"
