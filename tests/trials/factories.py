"""Trials made directly in the database, for tests of the pages and alerts (the importer has its own tests)."""

from datetime import date

from django.utils import timezone

from accounts.models import Biomarker
from trials.models import Trial, TrialBiomarkerMatch, TrialIntervention, TrialSite

_next = iter(range(10_000_000, 99_999_999))


def make_trial(
    *,
    title="A study of a new tablet for lung cancer",
    biomarkers=(),
    countries=("United Kingdom",),
    phases=("PHASE2",),
    recruiting=True,
    treatments=(),
    updated=date(2026, 11, 1),
    recruiting_since=None,
) -> Trial:
    trial = Trial.objects.create(
        nct_id=f"NCT{next(_next)}",
        brief_title=title,
        overall_status="RECRUITING" if recruiting else "COMPLETED",
        is_recruiting=recruiting,
        recruiting_since=(recruiting_since or timezone.now()) if recruiting else None,
        phases=list(phases),
        registry_updated_on=updated,
        summary="A made-up study for Kindred's tests.",
    )
    for code in biomarkers:
        biomarker = Biomarker.objects.get(code=code)
        TrialBiomarkerMatch.objects.create(
            trial=trial, biomarker=biomarker, words=f"{biomarker.name}-positive", found_in="inclusion"
        )
    for country in countries:
        TrialSite.objects.create(
            trial=trial, facility=f"Test Hospital {country}", city="Testville", country=country, status="RECRUITING"
        )
    for treatment in treatments:
        TrialIntervention.objects.create(trial=trial, kind="DRUG", name=treatment.generic_name, treatment=treatment)
    return trial
