"""Trial alerts, as a section of the member's digest: recruiting trials new since their last
digest and matched to the biomarkers on their profile, each trial once per member.

Read only for members who turned the alerts on, still consent to health details and list a
biomarker, so withdrawing consent or clearing biomarkers stops them at the next digest. The
section's entries name trials, never the member's biomarkers; the subject and the first line of
the digest are the same for everyone."""

from collections import defaultdict
from datetime import datetime

from django.db.models import Exists, OuterRef

from accounts.mail import digests, tokens
from accounts.models import EmailPreferences, HealthDataConsent, Profile
from trials.models import Trial, TrialAlertDelivery, TrialBiomarkerMatch

# Newly recruiting trials read for one batch of digests: more than anyone's section would show.
BATCH_TRIALS = 500


class TrialAlerts:
    def gather(self, *, since: dict[int, datetime]) -> dict[int, dict[str, list[dict]]]:
        consenting = HealthDataConsent.objects.filter(member_id=OuterRef("user_id"), withdrawn_at__isnull=True)
        wanting = set(
            EmailPreferences.objects.filter(user_id__in=since, trial_alerts=True)
            .filter(Exists(consenting))
            .values_list("user_id", flat=True)
        )
        if not wanting:
            return {}
        biomarkers = defaultdict(set)
        through = Profile.biomarkers.through.objects.filter(profile__user_id__in=wanting).exclude(
            biomarker__code="none_unknown"
        )
        for member_id, biomarker_id in through.values_list("profile__user_id", "biomarker_id"):
            biomarkers[member_id].add(biomarker_id)
        if not biomarkers:
            return {}
        earliest = min(since[member_id] for member_id in biomarkers)
        matches = (
            TrialBiomarkerMatch.objects.filter(
                trial__is_recruiting=True,
                trial__recruiting_since__gt=earliest,
                biomarker_id__in=set().union(*biomarkers.values()),
            )
            .values_list("trial_id", "biomarker_id", "trial__recruiting_since")
            .order_by("-trial__recruiting_since", "trial_id")[:BATCH_TRIALS]
        )
        by_trial = defaultdict(set)
        recruiting_since = {}
        for trial_id, biomarker_id, started in matches:
            by_trial[trial_id].add(biomarker_id)
            recruiting_since[trial_id] = started
        delivered = set(
            TrialAlertDelivery.objects.filter(member_id__in=biomarkers, trial_id__in=by_trial).values_list(
                "member_id", "trial_id"
            )
        )
        trials = {
            t.pk: t for t in Trial.objects.filter(pk__in=by_trial).only("nct_id", "brief_title", "phases", "is_demo")
        }
        sections = {}
        for member_id, theirs in biomarkers.items():
            entries = (
                {
                    "trial_id": trial_id,
                    "title": trials[trial_id].brief_title,
                    "nct_id": trials[trial_id].nct_id,
                    "url": tokens.absolute(trials[trial_id].get_absolute_url()),
                }
                for trial_id in sorted(by_trial, key=lambda t: recruiting_since[t], reverse=True)
                if by_trial[trial_id] & theirs
                and recruiting_since[trial_id] > since[member_id]
                and (member_id, trial_id) not in delivered
            )
            sections[member_id] = {"trials": digests.first(entries)}
        return sections

    def sent(self, *, member_id: int, digest: dict) -> None:
        """Each trial in the section reaches this member once: recorded in the transaction that
        marks their digest sent."""
        TrialAlertDelivery.objects.bulk_create(
            [TrialAlertDelivery(member_id=member_id, trial_id=entry["trial_id"]) for entry in digest.get("trials", [])],
            ignore_conflicts=True,
        )
