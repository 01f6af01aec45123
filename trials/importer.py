"""Import trial records in the ClinicalTrials.gov API v2 format into Kindred's trial tables.

    report = import_studies("studies.json")          # one page file
    report = import_studies("pages/")                # a folder of page files, read in name order
    report = import_studies("https://clinicaltrials.gov/api/v2/studies?query.cond=lung+cancer")
    print("\\n".join(report.lines()))

A page is `{"studies": [{"protocolSection": {...}}, ...], "nextPageToken": "..."}`; from a URL the next
page is asked for with `pageToken=<nextPageToken>` until a page has none.

What an import promises:
- Upsert by NCT ID. A record identical to what Kindred holds writes nothing (and counts as unchanged),
  so running the same import twice changes nothing the second time. A changed record replaces the
  trial's row and all its sites, interventions and biomarker matches.
- Trials are never deleted (members' alert history points at them): a trial that stops recruiting is
  closed (`is_recruiting` False, `closed_at` set).
- A record with a missing or malformed field is skipped with a reason, and never half imported: a
  study's rows are written together or not at all. A page that cannot be read (not JSON, wrong shape,
  an HTTP error) is reported, and the other pages are still imported.
- When the same NCT ID comes twice in one source, the later record wins and the study counts once.
"""

import datetime
import http.client
import json
import math
import re
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import page_cache
from trials.matching import TreatmentCatalogue, find_biomarkers, load_biomarkers
from trials.models import NCT_ID, Trial, TrialBiomarkerMatch, TrialIntervention, TrialSite

# Only RECRUITING counts as recruiting. NOT_YET_RECRUITING trials cannot take anyone yet (and often
# name no open site), ENROLLING_BY_INVITATION ones do not take people who ask, and every other status
# (ACTIVE_NOT_RECRUITING, COMPLETED, SUSPENDED, WITHDRAWN, ...) has stopped. Pages and alerts go by
# `is_recruiting`, so a member is only ever pointed at a trial they could ask to join now.
RECRUITING = "RECRUITING"

# Free-text columns have no size limit in PostgreSQL; a record this long is broken or hostile, and no
# reader needs more. The longest real eligibility sections are around 20,000 characters.
LONG_TEXT_MAX = 50_000
# A page from a URL larger than this is refused (the API's largest pages are a few megabytes).
MAX_PAGE_BYTES = 200 * 1024 * 1024
# A failed request is tried again after this many seconds, then twice as many.
RETRY_WAIT_SECONDS = 5.0
# How many skip reasons and other problems the summary lists before "and N more".
SUMMARY_PROBLEMS = 20

_NCT_ID = re.compile(NCT_ID)
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _array_item_length(model, name: str) -> int:
    return model._meta.get_field(name).base_field.max_length


# Trial columns an import writes, and compares to decide whether anything changed.
TRIAL_FIELDS = (
    "brief_title",
    "official_title",
    "overall_status",
    "is_recruiting",
    "registry_updated_on",
    "summary",
    "conditions",
    "keywords",
    "phases",
    "study_type",
    "eligibility_criteria",
    "minimum_age",
    "maximum_age",
    "sex",
    "is_demo",
)
SITE_FIELDS = ("facility", "status", "city", "state", "country", "latitude", "longitude")
INTERVENTION_FIELDS = ("kind", "name", "treatment_id")
MATCH_FIELDS = ("biomarker_id", "words", "found_in")


class Invalid(Exception):
    """Why a record cannot be imported, in words an operator can act on; `nct_id` when it is known."""

    def __init__(self, reason: str, nct_id: str | None = None):
        super().__init__(reason)
        self.nct_id = nct_id


class SourceError(Exception):
    """A file or page that cannot be read at all."""


# --- Reading one record ---------------------------------------------------------------------------


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _clip(text: str, limit: int | None) -> str:
    if not text.isascii():
        # JSON may carry lone surrogates ("\ud800"), which cannot be sent to PostgreSQL as UTF-8.
        text = text.encode("utf-8", "replace").decode("utf-8")
    # PostgreSQL refuses NUL characters in text.
    text = text.replace("\x00", "").strip()
    return text[:limit].rstrip() if limit else text


def _object(parent: dict, key: str, path: str, *, required: bool = False) -> dict:
    value = parent.get(key)
    if value is None:
        if required:
            raise Invalid(f"{path} is missing")
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{path} should be an object, not {_kind(value)}")
    return value


def _text(parent: dict, key: str, path: str, limit: int | None, *, required: bool = False) -> str:
    value = parent.get(key)
    if value is None:
        value = ""
    elif not isinstance(value, str):
        raise Invalid(f"{path} should be text, not {_kind(value)}")
    value = _clip(value, limit)
    if required and not value:
        raise Invalid(f"{path} is missing")
    return value


def _list(parent: dict, key: str, path: str) -> list:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f"{path} should be a list, not {_kind(value)}")
    return value


def _texts(parent: dict, key: str, path: str, limit: int) -> list[str]:
    texts = []
    for position, value in enumerate(_list(parent, key, path), start=1):
        if not isinstance(value, str):
            raise Invalid(f"{path} item {position} should be text, not {_kind(value)}")
        if value := _clip(value, limit):
            texts.append(value)
    return texts


def _coordinate(point: dict, key: str, path: str, bound: float) -> float | None:
    value = point.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{path} should be a number, not {_kind(value)}")
    value = float(value)
    if not math.isfinite(value) or abs(value) > bound:
        raise Invalid(f"{path} is out of range ({value})")
    return value


def _date(text: str, path: str) -> datetime.date | None:
    if not text:
        return None
    found = _DATE.match(text)
    if not found:
        raise Invalid(f'{path} should be a date like 2026-01-31 or 2026-01, not "{text[:40]}"')
    year, month, day = found.groups()
    try:
        return datetime.date(int(year), int(month), int(day or 1))
    except ValueError:
        raise Invalid(f'{path} is not a real date ("{text}")') from None


@dataclass
class Study:
    """One record, read and checked: the Trial's columns and its children, ready to write."""

    nct_id: str
    fields: dict
    sites: list[tuple] = field(default_factory=list)
    interventions: list[tuple] = field(default_factory=list)  # (kind, name)


_TRIAL_LIMITS = {
    name: _max_length(Trial, name)
    for name in ("brief_title", "overall_status", "study_type", "minimum_age", "maximum_age", "sex")
}
_SITE_LIMITS = {name: _max_length(TrialSite, name) for name in ("facility", "status", "city", "state", "country")}
_INTERVENTION_LIMITS = {name: _max_length(TrialIntervention, name) for name in ("kind", "name")}


def read_study(raw, *, is_demo: bool = False) -> Study:
    """Check one study of a page and return it as a `Study`; raises `Invalid` with the reason."""
    if not isinstance(raw, dict):
        raise Invalid(f"a study should be an object, not {_kind(raw)}")
    section = _object(raw, "protocolSection", "protocolSection", required=True)
    identification = _object(section, "identificationModule", "identificationModule", required=True)
    nct_id = _text(identification, "nctId", "identificationModule.nctId", None, required=True)
    if not _NCT_ID.match(nct_id):
        raise Invalid(f'identificationModule.nctId "{nct_id[:40]}" is not an NCT ID (NCT and eight digits)')
    try:
        return _read_protocol(nct_id, section, is_demo)
    except Invalid as error:
        error.nct_id = nct_id
        raise


def _read_protocol(nct_id: str, section: dict, is_demo: bool) -> Study:
    identification = section["identificationModule"]
    status = _object(section, "statusModule", "statusModule", required=True)
    description = _object(section, "descriptionModule", "descriptionModule")
    conditions = _object(section, "conditionsModule", "conditionsModule")
    design = _object(section, "designModule", "designModule")
    arms = _object(section, "armsInterventionsModule", "armsInterventionsModule")
    eligibility = _object(section, "eligibilityModule", "eligibilityModule")
    contacts = _object(section, "contactsLocationsModule", "contactsLocationsModule")

    overall_status = _text(
        status, "overallStatus", "statusModule.overallStatus", _TRIAL_LIMITS["overall_status"], required=True
    )
    updated = _object(status, "lastUpdatePostDateStruct", "statusModule.lastUpdatePostDateStruct")
    fields = {
        "brief_title": _text(
            identification, "briefTitle", "identificationModule.briefTitle", _TRIAL_LIMITS["brief_title"], required=True
        ),
        "official_title": _text(identification, "officialTitle", "identificationModule.officialTitle", LONG_TEXT_MAX),
        "overall_status": overall_status,
        "is_recruiting": overall_status == RECRUITING,
        "registry_updated_on": _date(
            _text(updated, "date", "statusModule.lastUpdatePostDateStruct.date", 40),
            "statusModule.lastUpdatePostDateStruct.date",
        ),
        "summary": _text(description, "briefSummary", "descriptionModule.briefSummary", LONG_TEXT_MAX),
        "conditions": _texts(
            conditions, "conditions", "conditionsModule.conditions", _array_item_length(Trial, "conditions")
        ),
        "keywords": _texts(conditions, "keywords", "conditionsModule.keywords", _array_item_length(Trial, "keywords")),
        "phases": _texts(design, "phases", "designModule.phases", _array_item_length(Trial, "phases")),
        "study_type": _text(design, "studyType", "designModule.studyType", _TRIAL_LIMITS["study_type"]),
        "eligibility_criteria": _text(
            eligibility, "eligibilityCriteria", "eligibilityModule.eligibilityCriteria", LONG_TEXT_MAX
        ),
        "minimum_age": _text(eligibility, "minimumAge", "eligibilityModule.minimumAge", _TRIAL_LIMITS["minimum_age"]),
        "maximum_age": _text(eligibility, "maximumAge", "eligibilityModule.maximumAge", _TRIAL_LIMITS["maximum_age"]),
        "sex": _text(eligibility, "sex", "eligibilityModule.sex", _TRIAL_LIMITS["sex"]),
        "is_demo": is_demo,
    }

    interventions = []
    for position, item in enumerate(_list(arms, "interventions", "armsInterventionsModule.interventions"), start=1):
        path = f"armsInterventionsModule.interventions item {position}"
        if not isinstance(item, dict):
            raise Invalid(f"{path} should be an object, not {_kind(item)}")
        name = _text(item, "name", f"{path}.name", _INTERVENTION_LIMITS["name"])
        kind = _text(item, "type", f"{path}.type", _INTERVENTION_LIMITS["kind"])
        if name:  # an intervention without a name tells a reader nothing
            interventions.append((kind, name))

    sites = []
    for position, item in enumerate(_list(contacts, "locations", "contactsLocationsModule.locations"), start=1):
        path = f"contactsLocationsModule.locations item {position}"
        if not isinstance(item, dict):
            raise Invalid(f"{path} should be an object, not {_kind(item)}")
        values = {name: _text(item, name, f"{path}.{name}", limit) for name, limit in _SITE_LIMITS.items()}
        point = _object(item, "geoPoint", f"{path}.geoPoint")
        latitude = _coordinate(point, "lat", f"{path}.geoPoint.lat", 90)
        longitude = _coordinate(point, "lon", f"{path}.geoPoint.lon", 180)
        # A site is found by its country; one without a country cannot be placed and is left out.
        if values["country"]:
            sites.append((*values.values(), latitude, longitude))

    return Study(nct_id=nct_id, fields=fields, sites=sites, interventions=interventions)


# --- Reading a source -----------------------------------------------------------------------------


def _with_page_token(url: str, token: str | None) -> str:
    if not token:
        return url
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "pageToken"]
    query.append(("pageToken", token))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _decode(data: bytes):
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise SourceError(f"not JSON ({str(error)[:120] or type(error).__name__})") from None


def fetch_page(url: str, *, attempts: int = 3, wait_seconds: float | None = None, timeout: float = 60.0):
    """One page of the API, decoded. Retries network errors and 5xx answers; raises SourceError."""
    # http(s) only: the caller checked the scheme.
    headers = {"User-Agent": f"Kindred trials import ({settings.SITE_URL})", "Accept": "application/json"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    problem = ""
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                data = response.read(MAX_PAGE_BYTES + 1)
            if len(data) > MAX_PAGE_BYTES:
                raise SourceError(f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
            return _decode(data)
        except urllib.error.HTTPError as error:
            problem = f"HTTP {error.code} {error.reason}"
            if error.code < 500 and error.code != 429:
                break
        except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets, cut-off reads
            problem = str(getattr(error, "reason", None) or error) or type(error).__name__
        if attempt < attempts:
            time.sleep((RETRY_WAIT_SECONDS if wait_seconds is None else wait_seconds) * attempt)
    raise SourceError(problem)


def _is_url(source) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


@dataclass
class Page:
    label: str  # where the page came from, for skip reasons: "01.json", "page 2"
    data: object


# --- The import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0  # of the updated ones (and, with close_missing, absent ones): stopped recruiting
    skipped: int = 0
    problems: list[str] = field(default_factory=list)  # skip reasons and unreadable pages, in order

    @property
    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"closed {self.closed}, skipped {self.skipped}"
        )

    def lines(self, limit: int = SUMMARY_PROBLEMS) -> list[str]:
        """The summary line, then at most `limit` problems, then "and N more" for the rest."""
        lines = [self.summary, *self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"and {len(self.problems) - limit} more")
        return lines


_NEW, _CHANGED, _SAME = "added", "updated", "unchanged"


class Importer:
    """One import run. `import_studies` is the way in; this holds what the run shares: the
    catalogues (read once), one timestamp, the outcome of every NCT ID seen, and the report."""

    def __init__(self, *, is_demo: bool = False, batch_size: int = 500, progress: bool | None = None, now=None):
        self.is_demo = is_demo
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.now = now or timezone.now()
        self.biomarkers = load_biomarkers()
        self.catalogue = TreatmentCatalogue.load()
        self.report = ImportReport()
        self.outcomes: dict[str, str] = {}  # NCT ID -> added / updated / unchanged, once per study
        self.complete = True  # every page of the source was read

    # Reading

    def pages(self, source) -> Iterator[Page]:
        if _is_url(source):
            yield from self._url_pages(source)
            return
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
            if not files:
                self._problem(f"{path}: no .json files in this folder")
            for file in files:
                yield from self._file_page(file, file.name)
        elif path.is_file():
            yield from self._file_page(path, path.name)
        else:
            self._problem(f"{source}: no such file or folder, and not an http(s) URL")

    def _file_page(self, path: Path, label: str) -> Iterator[Page]:
        try:
            yield Page(label, _decode(path.read_bytes()))
        except (SourceError, OSError) as error:
            self._problem(f"{label}: skipped, {error}")

    def _url_pages(self, url: str) -> Iterator[Page]:
        token, tokens_seen, number = None, set(), 0
        while True:
            number += 1
            label = f"page {number}"
            try:
                data = fetch_page(_with_page_token(url, token))
            except SourceError as error:
                later = " and the pages after it" if number > 1 else ""
                self._problem(f"{label} ({_with_page_token(url, token)[:200]}): {error}; not imported{later}")
                return
            yield Page(label, data)
            token = data.get("nextPageToken") if isinstance(data, dict) else None
            if not token:
                return
            if not isinstance(token, str) or token in tokens_seen:
                self._problem(f"{label}: a nextPageToken already followed or not text; stopped there")
                return
            tokens_seen.add(token)

    def _studies_of(self, page: Page) -> list | None:
        data = page.data
        if isinstance(data, dict) and isinstance(data.get("protocolSection"), dict):
            return [data]  # one study, as /api/v2/studies/<NCT ID> returns it
        if not isinstance(data, dict):
            self._problem(f'{page.label}: skipped, expected an object with a "studies" list, not {_kind(data)}')
            return None
        if not isinstance(studies := data.get("studies"), list):
            why = "has none" if studies is None else f"is {_kind(studies)}"
            self._problem(f'{page.label}: skipped, expected an object with a "studies" list; its "studies" {why}')
            return None
        return studies

    # Importing

    def run(self, source, *, close_missing: bool = False) -> ImportReport:
        from tqdm import tqdm

        batch: dict[str, Study] = {}
        read = 0
        disable = None if self.progress is None else not self.progress
        with tqdm(unit=" studies", disable=disable, desc="Importing trials") as bar:
            for page in self.pages(source):
                studies = self._studies_of(page)
                if studies is None:
                    continue
                for position, raw in enumerate(studies, start=1):
                    bar.update()
                    try:
                        study = read_study(raw, is_demo=self.is_demo)
                    except Invalid as error:
                        where = f"{page.label}, study {position}"
                        self._skip(f"{error.nct_id} ({where})" if error.nct_id else where, str(error))
                        continue
                    read += 1
                    batch.pop(study.nct_id, None)  # the later record wins
                    batch[study.nct_id] = study
                    if len(batch) >= self.batch_size:
                        self._flush(batch)
                        batch = {}
            if batch:
                self._flush(batch)
        counts = Counter(self.outcomes.values())
        self.report.added, self.report.updated, self.report.unchanged = counts[_NEW], counts[_CHANGED], counts[_SAME]
        if close_missing:
            self._close_missing(read)
        return self.report

    def _problem(self, line: str) -> None:
        self.complete = False
        self.report.problems.append(line)

    def _skip(self, where: str, reason: str) -> None:
        """`where` is the NCT ID when the record has a valid one, else its page and position."""
        self.report.skipped += 1
        self.report.problems.append(f"skipped {where}: {reason}")

    def _flush(self, batch: dict[str, Study]) -> None:
        studies = list(batch.values())
        try:
            with transaction.atomic():
                outcomes, closed = self._write(studies)
        except DatabaseError:
            # Something in the batch was refused. Write each study on its own so the others still go in
            # and the one refused is named; each study's rows go in together or not at all.
            outcomes, closed = {}, 0
            for study in studies:
                try:
                    with transaction.atomic():
                        one, one_closed = self._write([study])
                except DatabaseError as error:
                    reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
                    self._skip(study.nct_id, f"the database refused it ({reason})")
                    continue
                outcomes.update(one)
                closed += one_closed
        self.report.closed += closed
        for nct_id, outcome in outcomes.items():
            earlier = self.outcomes.get(nct_id)
            # A study met again in the same source counts once: added stays added, and a later record
            # that differs from the first turns unchanged into updated.
            if earlier is None or (earlier == _SAME and outcome == _CHANGED):
                self.outcomes[nct_id] = outcome

    def _matches(self, study: Study) -> list[tuple]:
        fields = study.fields
        found = find_biomarkers(
            titles=[fields["brief_title"], fields["official_title"]],
            conditions=fields["conditions"],
            keywords=fields["keywords"],
            eligibility_criteria=fields["eligibility_criteria"],
            codes=self.biomarkers,
        )
        return [(self.biomarkers[f.code], f.words, f.found_in) for f in found]

    def _write(self, studies: list[Study]) -> tuple[dict[str, str], int]:
        now = self.now
        existing = {
            row["nct_id"]: row
            for row in Trial.objects.filter(nct_id__in=[s.nct_id for s in studies]).values(
                "id", "nct_id", "recruiting_since", "closed_at", *TRIAL_FIELDS
            )
        }
        old_ids = [row["id"] for row in existing.values()]
        old_children = {}
        for model, names in (
            (TrialSite, SITE_FIELDS),
            (TrialIntervention, INTERVENTION_FIELDS),
            (TrialBiomarkerMatch, MATCH_FIELDS),
        ):
            children = defaultdict(Counter)
            if old_ids:
                for trial_id, *values in model.objects.filter(trial_id__in=old_ids).values_list("trial_id", *names):
                    children[trial_id][tuple(values)] += 1
            old_children[model] = children

        outcomes, closed = {}, 0
        to_create, to_update, rewritten = [], [], []
        for study in studies:
            fields = study.fields
            children = {
                TrialSite: study.sites,
                TrialIntervention: [(kind, name, self._treatment_id(name)) for kind, name in study.interventions],
                TrialBiomarkerMatch: self._matches(study),
            }
            old = existing.get(study.nct_id)
            recruiting = fields["is_recruiting"]
            if old is None:
                trial = Trial(
                    nct_id=study.nct_id,
                    **fields,
                    first_imported_at=now,
                    imported_at=now,
                    recruiting_since=now if recruiting else None,
                    closed_at=None if recruiting else now,
                )
                to_create.append(trial)
                outcomes[study.nct_id] = _NEW
            else:
                same = all(old[name] == fields[name] for name in TRIAL_FIELDS) and all(
                    old_children[model][old["id"]] == Counter(rows) for model, rows in children.items()
                )
                if same:
                    outcomes[study.nct_id] = _SAME
                    continue
                was_recruiting = old["is_recruiting"]
                trial = Trial(
                    id=old["id"],
                    nct_id=study.nct_id,
                    **fields,
                    imported_at=now,
                    # Recruiting since it last started to; closed since it last stopped.
                    recruiting_since=now if recruiting and not was_recruiting else old["recruiting_since"],
                    closed_at=None if recruiting else (now if was_recruiting else old["closed_at"] or now),
                )
                to_update.append(trial)
                outcomes[study.nct_id] = _CHANGED
                closed += was_recruiting and not recruiting
            rewritten.append((trial, children))

        if to_create:
            Trial.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            _update_trials(to_update)
            updated_ids = [trial.id for trial in to_update]
            for model in (TrialSite, TrialIntervention, TrialBiomarkerMatch):
                model.objects.filter(trial_id__in=updated_ids).delete()
        rows = {TrialSite: [], TrialIntervention: [], TrialBiomarkerMatch: []}
        for trial, children in rewritten:
            rows[TrialSite] += [
                TrialSite(trial_id=trial.id, **dict(zip(SITE_FIELDS, r, strict=True))) for r in children[TrialSite]
            ]
            rows[TrialIntervention] += [
                TrialIntervention(trial_id=trial.id, **dict(zip(INTERVENTION_FIELDS, r, strict=True)))
                for r in children[TrialIntervention]
            ]
            rows[TrialBiomarkerMatch] += [
                TrialBiomarkerMatch(trial_id=trial.id, **dict(zip(MATCH_FIELDS, r, strict=True)))
                for r in children[TrialBiomarkerMatch]
            ]
        for model, objects in rows.items():
            if objects:
                model.objects.bulk_create(objects, batch_size=2000)
        return outcomes, closed

    def _treatment_id(self, name: str) -> int | None:
        treatment = self.catalogue.match(name)
        return treatment.id if treatment else None

    def _close_missing(self, read: int) -> None:
        """Close recruiting trials the source no longer lists (for a source that lists every recruiting
        trial Kindred follows). Only after a complete read of a source with at least one valid study: a
        page that failed, or an empty answer, proves nothing."""
        if not self.complete or not read:
            why = "the source was not read completely" if not self.complete else "the source held no valid study"
            self.report.problems.append(f"close-missing not applied: {why}")
            return
        recruiting = Trial.objects.filter(is_recruiting=True, is_demo=self.is_demo).values_list("nct_id", flat=True)
        missing = [nct_id for nct_id in recruiting if nct_id not in self.outcomes]
        for start in range(0, len(missing), 1000):
            self.report.closed += Trial.objects.filter(
                nct_id__in=missing[start : start + 1000], is_recruiting=True
            ).update(is_recruiting=False, closed_at=self.now, imported_at=self.now)


_UPDATED_FIELDS = [
    Trial._meta.get_field(name) for name in (*TRIAL_FIELDS, "imported_at", "recruiting_since", "closed_at")
]


def _update_trials(trials: list[Trial]) -> None:
    """Write the changed trials' columns: one statement sent for all of them (psycopg pipelines it).
    Django's bulk_update builds a CASE expression per field and row, which took most of an update
    run's time."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in _UPDATED_FIELDS)
    table, key = quote(Trial._meta.db_table), quote(Trial._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 (names from the model, values bound)
    rows = [
        [f.get_db_prep_save(getattr(trial, f.attname), connection) for f in _UPDATED_FIELDS] + [trial.pk]
        for trial in trials
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def import_studies(
    source,
    *,
    is_demo: bool = False,
    close_missing: bool = False,
    batch_size: int = 500,
    progress: bool | None = None,
) -> ImportReport:
    """Import every study of `source` (a page file, a folder of page files, or an API URL).

    Never raises for bad input: unreadable pages and invalid records are in `report.problems`.
    `is_demo` marks the trials as Kindred's fictional examples. `close_missing` also closes the
    recruiting trials the source does not list (only when every page was read). `progress`: a
    progress bar on standard error; None shows it only on a terminal."""
    report = Importer(is_demo=is_demo, batch_size=batch_size, progress=progress).run(
        str(source) if isinstance(source, Path) else source, close_missing=close_missing
    )
    if report.added or report.updated or report.closed:
        # The trials pages and the hubs' trial sections are cached for visitors: show the change.
        page_cache.invalidate("trials")
    return report
