"""Recruiting clinical trials, imported from registry records (ClinicalTrials.gov API v2 format),
and what Kindred matched in them: biomarkers (with the words that matched and where), medicines of
the catalogue, and the countries of recruiting sites. Registry data is public; nothing about a
member is stored here except which trials an alert has already told them about."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

NCT_ID = r"^NCT\d{8}$"


class Trial(models.Model):
    nct_id = models.CharField(max_length=11, unique=True)
    brief_title = models.CharField(max_length=500)
    official_title = models.TextField(blank=True)
    # The registry's own word (RECRUITING, COMPLETED, ...); `is_recruiting` is what pages go by.
    overall_status = models.CharField(max_length=40)
    is_recruiting = models.BooleanField(default=False)
    # When the registry last changed the record (lastUpdatePostDateStruct).
    registry_updated_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    conditions = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    keywords = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    # PHASE1, PHASE2, EARLY_PHASE1, NA...: as the registry writes them.
    phases = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    study_type = models.CharField(max_length=40, blank=True)
    eligibility_criteria = models.TextField(blank=True)
    minimum_age = models.CharField(max_length=40, blank=True)
    maximum_age = models.CharField(max_length=40, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    # Kindred's fictional examples (seed_demo), shown as such.
    is_demo = models.BooleanField(default=False)
    first_imported_at = models.DateTimeField(default=timezone.now)
    # When Kindred last saw it start recruiting: alerts tell members about trials new since then.
    recruiting_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-registry_updated_on", "nct_id"]
        constraints = [
            models.CheckConstraint(condition=Q(nct_id__regex=NCT_ID), name="trial_nct_id_format"),
            models.CheckConstraint(
                condition=Q(is_recruiting=False) | Q(recruiting_since__isnull=False), name="trial_recruiting_since"
            ),
        ]
        indexes = [
            models.Index(fields=["is_recruiting", "-registry_updated_on", "nct_id"], name="trial_recruiting_newest"),
            models.Index(fields=["is_recruiting", "-recruiting_since"], name="trial_recruiting_since_idx"),
            GinIndex(fields=["phases"], name="trial_phases"),
        ]

    def __str__(self):
        return f"{self.nct_id}: {self.brief_title}"

    def get_absolute_url(self):
        return reverse("trial_detail", args=[self.nct_id])

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"


class TrialSite(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    facility = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=40, blank=True)
    city = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["country", "state", "city", "facility"]
        indexes = [models.Index(fields=["country", "trial"], name="trial_site_country")]

    def __str__(self):
        return f"{self.facility or self.city}, {self.country}"


class TrialIntervention(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=500)
    # The catalogue's medicine this intervention names, when Kindred recognised it.
    treatment = models.ForeignKey(
        "articles.Treatment", null=True, blank=True, on_delete=models.SET_NULL, related_name="trial_interventions"
    )

    class Meta:
        indexes = [models.Index(fields=["treatment", "trial"], name="trial_intervention_treatment")]

    def __str__(self):
        return self.name


class TrialBiomarkerMatch(models.Model):
    """A biomarker Kindred found in a trial, with the words that matched and where, shown to readers."""

    class FoundIn(models.TextChoices):
        TITLE = "title", "the title"
        CONDITIONS = "conditions", "the conditions"
        KEYWORDS = "keywords", "the keywords"
        INCLUSION = "inclusion", "the inclusion criteria"

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="biomarker_matches")
    biomarker = models.ForeignKey("accounts.Biomarker", on_delete=models.CASCADE, related_name="trial_matches")
    words = models.CharField(max_length=200)
    found_in = models.CharField(max_length=20, choices=FoundIn)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trial", "biomarker"], name="trial_biomarker_once")]
        indexes = [models.Index(fields=["biomarker", "trial"], name="trial_match_biomarker")]

    def __str__(self):
        return f"{self.words} in {self.get_found_in_display()}"


class TrialAlertDelivery(models.Model):
    """A trial an alert told (or is telling) a member about: written before the email is sent, so a
    trial reaches each member once, as digests do."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trial_alerts")
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="alert_deliveries")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "trial"], name="trial_alert_once")]

    def __str__(self):
        return f"{self.trial_id} for {self.member_id}"
