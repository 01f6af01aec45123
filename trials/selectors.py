"""Reads for clinical trials. Registry data is public, so the lists are the same for everyone;
only "Trials that may fit you" reads a member's biomarkers and region, on the server, with their
health consent."""

from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from accounts.models import Biomarker, User
from accounts.selectors import has_health_consent
from articles.models import Treatment
from trials.models import Trial, TrialBiomarkerMatch, TrialSite

PAGE_SIZE = 25
HUB_TRIALS = 3
FOR_YOU = 5

# The registry's phase words, in the order and the words a reader knows.
PHASES = {
    "EARLY_PHASE1": "Early phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
}


def phase_label(phases: list[str]) -> str:
    shown = [PHASES[p] for p in PHASES if p in phases]
    return " and ".join(shown) if shown else "Phase not given"


def _countries_of(trial_ref: str = "pk"):
    return Subquery(
        TrialSite.objects.filter(trial_id=OuterRef(trial_ref))
        .values("trial_id")
        .annotate(countries=ArrayAgg("country", distinct=True, order_by="country"))
        .values("countries")[:1]
    )


def _matches() -> Prefetch:
    return Prefetch(
        "biomarker_matches",
        queryset=TrialBiomarkerMatch.objects.select_related("biomarker").order_by("biomarker__position"),
    )


def recruiting() -> QuerySet:
    return Trial.objects.filter(is_recruiting=True)


@dataclass
class TrialFilters:
    biomarker: Biomarker | None = None
    phase: str = ""
    country: str = ""
    treatment: Treatment | None = None
    # What the reader asked for that names nothing we know, to say so rather than show everything.
    unknown: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.biomarker or self.phase or self.country or self.treatment)


def read_filters(params) -> TrialFilters:
    """The list's filters from query parameters; anything unknown is named, never an error."""
    filters = TrialFilters()
    if code := params.get("biomarker", ""):
        filters.biomarker = Biomarker.objects.filter(code=code).exclude(code="none_unknown").first()
        if filters.biomarker is None:
            filters.unknown.append("biomarker")
    if phase := params.get("phase", ""):
        if phase in PHASES:
            filters.phase = phase
        else:
            filters.unknown.append("phase")
    if country := params.get("country", "")[:100]:
        filters.country = country
    if slug := params.get("treatment", ""):
        filters.treatment = Treatment.objects.filter(slug=slug[:100]).first()
        if filters.treatment is None:
            filters.unknown.append("medicine")
    return filters


def trial_list(filters: TrialFilters) -> QuerySet:
    """Recruiting trials matching the filters, the registry's newest changes first, each with its
    matches and its sites' countries: a fixed number of queries for a page of them."""
    trials = recruiting()
    if filters.biomarker is not None:
        trials = trials.filter(
            Exists(TrialBiomarkerMatch.objects.filter(trial_id=OuterRef("pk"), biomarker=filters.biomarker))
        )
    if filters.phase:
        trials = trials.filter(phases__contains=[filters.phase])
    if filters.country:
        trials = trials.filter(Exists(TrialSite.objects.filter(trial_id=OuterRef("pk"), country=filters.country)))
    if filters.treatment is not None:
        trials = trials.filter(interventions__treatment=filters.treatment).distinct()
    return (
        trials.annotate(countries=_countries_of())
        .prefetch_related(_matches())
        .only("nct_id", "brief_title", "phases", "overall_status", "registry_updated_on", "is_demo")
        .order_by("-registry_updated_on", "nct_id")
    )


def filter_choices() -> dict:
    """What the list can be filtered by: only values some recruiting trial has."""
    recruiting_ids = recruiting().values("pk")
    return {
        "biomarkers": list(
            Biomarker.objects.filter(trial_matches__trial__in=recruiting_ids).distinct().order_by("position")
        ),
        "countries": list(
            TrialSite.objects.filter(trial__in=recruiting_ids)
            .order_by("country")
            .values_list("country", flat=True)
            .distinct()
        ),
        "treatments": list(
            Treatment.objects.filter(trial_interventions__trial__in=recruiting_ids).distinct().order_by("generic_name")
        ),
        "phases": list(PHASES.items()),
    }


@dataclass
class CountrySites:
    country: str
    sites: list[TrialSite]


def trial_detail(*, nct_id: str) -> Trial:
    """One trial (recruiting or not: a closed trial's page says so), with what matched, its
    interventions and its recruiting sites grouped by country; 404 for an unknown NCT ID."""
    trial = (
        Trial.objects.prefetch_related(
            _matches(),
            "interventions__treatment",
            Prefetch("sites", queryset=TrialSite.objects.order_by("country", "state", "city", "facility")),
        )
        .filter(nct_id=nct_id.upper()[:11])
        .first()
    )
    if trial is None:
        raise Http404
    recruiting_sites = [s for s in trial.sites.all() if not s.status or s.status.upper() == "RECRUITING"]
    trial.sites_by_country = [
        CountrySites(country, list(sites)) for country, sites in groupby(recruiting_sites, key=lambda s: s.country)
    ]
    return trial


# Hubs


@dataclass
class HubTrials:
    count: int
    newest: list[Trial]


def _hub(trials: QuerySet) -> HubTrials:
    newest = list(trials.only("nct_id", "brief_title", "phases").order_by("-recruiting_since", "nct_id")[:HUB_TRIALS])
    return HubTrials(count=trials.count() if len(newest) == HUB_TRIALS else len(newest), newest=newest)


def for_biomarker(biomarker: Biomarker) -> HubTrials:
    return _hub(recruiting().filter(biomarker_matches__biomarker=biomarker))


def for_treatment(treatment: Treatment) -> HubTrials:
    return _hub(recruiting().filter(interventions__treatment=treatment).distinct())


# One member


def member_countries(location: str, countries: list[str]) -> list[str]:
    """The countries of recruiting sites a member's free-text region names ("Leeds, United Kingdom")."""
    words = location.casefold()
    return [country for country in countries if country.casefold() in words]


@dataclass
class ForYou:
    trials: list[Trial]
    biomarkers: list[Biomarker]
    countries: list[str]
    # Why the list is empty or absent, in words for the member.
    note: str = ""


def trials_for_member(*, member: User, countries: list[str]) -> ForYou | None:
    """Recruiting trials matched to the member's biomarkers, in their country when their region
    names one: for a member who consented to health details and listed a biomarker. None for
    everyone else. `countries` is the list's country choices (already read for the filters)."""
    if not getattr(member, "is_authenticated", False) or not has_health_consent(member=member):
        return None
    profile = member.profile
    biomarkers = [b for b in profile.biomarkers.all() if b.code != "none_unknown"]
    if not biomarkers:
        return ForYou([], [], [], note="List your biomarkers on your profile to see trials that match them.")
    in_countries = member_countries(profile.location, countries)
    trials = recruiting().filter(biomarker_matches__biomarker__in=biomarkers)
    if in_countries:
        trials = trials.filter(Exists(TrialSite.objects.filter(trial_id=OuterRef("pk"), country__in=in_countries)))
    rows = list(
        trials.distinct()
        .annotate(countries=_countries_of())
        .prefetch_related(_matches())
        .order_by("-registry_updated_on", "nct_id")[:FOR_YOU]
    )
    note = "" if rows else "No recruiting trial matches your biomarkers at the moment."
    return ForYou(rows, biomarkers, in_countries, note=note)
