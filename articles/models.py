"""Articles that staff write, medically review and publish through the admin.

Writes go through `articles.services`; reads that depend on who is looking go through
`articles.selectors`.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone


class Contributor(models.Model):
    """A named writer or medical reviewer shown on articles (not necessarily a site member)."""

    name = models.CharField(max_length=100)
    credentials = models.CharField(max_length=60, blank=True, help_text='For example "M.D." or "Ph.D., R.N."')
    bio = models.TextField(max_length=1500, blank=True)
    photo = models.ImageField(upload_to="contributors/", blank=True)
    is_medical_reviewer = models.BooleanField(
        default=False,
        help_text="Only medical reviewers can be named as an article's reviewer.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.byline

    def get_absolute_url(self):
        return reverse("contributor_detail", args=[self.pk])

    @property
    def byline(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Topic(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True,
        help_text="Shown at the top of the topic's page. For a biomarker topic, say in plain words what it is.",
    )
    # Lets articles, questions and members with the same biomarker meet on one topic page.
    biomarker = models.ForeignKey(
        "accounts.Biomarker", null=True, blank=True, on_delete=models.SET_NULL, related_name="topics"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["biomarker"],
                condition=models.Q(biomarker__isnull=False),
                name="topic_one_per_biomarker",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # The hub lives in the community app (it shows questions and members too).
        return reverse("topic_hub", args=[self.slug])


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences. Shown in lists, search results, shared links and emails.",
    )
    body = models.TextField(
        blank=True,
        help_text="Markdown. Use ## for section headings and [^1] to cite reference number 1.",
    )
    # Rendered and sanitized once per save so that readers never wait for Markdown.
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    cited_reference_numbers = models.JSONField(default=list, blank=True, editable=False)

    hero_image = models.ImageField(
        upload_to="articles/heroes/", blank=True, width_field="hero_width", height_field="hero_height"
    )
    # Stored so pages can reserve the image's space without opening the file.
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Required when there is a picture.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    author = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="authored_articles")
    reviewer = models.ForeignKey(
        Contributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_articles",
        verbose_name="medical reviewer",
    )

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A future date and time schedules the article: it stays hidden until then.",
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_due_at = models.DateTimeField(null=True, blank=True)
    # The "Updated on" date: moved only by a body change or a medical review, never by a typo fix.
    content_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(auto_now=True)
    # Kept up to date by a PostgreSQL trigger (title A, summary B, body C).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        permissions = [("publish_article", "Can publish articles")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "in_review", "published", "archived"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="A published article needs a publication date.",
            ),
            models.CheckConstraint(
                condition=models.Q(hero_image="") | ~models.Q(hero_alt=""),
                name="article_hero_image_has_alt",
                violation_error_message="Add alt text that describes the hero image.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            # Search always looks for an article whose title is exactly the query (case-insensitively).
            models.Index(Upper("title"), name="article_title_upper"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_review_overdue(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.review_due_at is not None
            and self.review_due_at < timezone.now()
        )

    @property
    def updated_on(self):
        # A review recorded before publication is not news to readers: never show a date before publication.
        dates = [moment for moment in (self.content_updated_at, self.published_at) if moment]
        return max(dates, default=None)


class Reference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    number = models.PositiveSmallIntegerField(help_text="Cited in the body as [^number].")
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=200, help_text="Journal or organisation.")
    url = models.URLField("URL", max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="reference_number_unique_per_article"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="reference_number_positive"),
        ]

    def __str__(self):
        return f"[{self.number}] {self.title}"


class Treatment(models.Model):
    """A medicine in the catalogue: reference data seeded by a migration from `articles.catalogue`,
    then kept by staff in the admin. Members list the ones they take on their profile."""

    class DrugClass(models.TextChoices):
        TKI = "tki", "Tyrosine kinase inhibitor"
        # BRAF and KRAS are not tyrosine kinases, so their inhibitors get classes of their own.
        BRAF_INHIBITOR = "braf_inhibitor", "BRAF inhibitor"
        KRAS_G12C_INHIBITOR = "kras_g12c_inhibitor", "KRAS G12C inhibitor"
        MEK_INHIBITOR = "mek_inhibitor", "MEK inhibitor"
        MONOCLONAL_ANTIBODY = "monoclonal_antibody", "Monoclonal antibody"
        BISPECIFIC_ANTIBODY = "bispecific_antibody", "Bispecific antibody"
        ADC = "adc", "Antibody-drug conjugate"
        CHEMOTHERAPY = "chemotherapy", "Chemotherapy"
        IMMUNOTHERAPY = "immunotherapy", "Immunotherapy (checkpoint inhibitor)"
        ANGIOGENESIS_INHIBITOR = "angiogenesis_inhibitor", "Angiogenesis inhibitor"
        OTHER = "other", "Other"

    generic_name = models.CharField(max_length=100, unique=True, help_text="Lower case, as in articles.")
    slug = models.SlugField(max_length=100, unique=True)
    # One text column rather than a JSON list so that search (icontains, trigram, tsvector) reads it directly.
    brand_names = models.CharField(
        max_length=200, blank=True, help_text='Separated by commas, US name first: "Lorbrena, Lorviqua".'
    )
    drug_class = models.CharField(max_length=30, choices=DrugClass, default=DrugClass.OTHER)
    targets = models.ManyToManyField(
        "accounts.Biomarker",
        blank=True,
        related_name="treatments",
        help_text="The biomarkers of the lung cancers it is used for (its hub lists it on those topics).",
    )
    target_detail = models.CharField(
        max_length=200, blank=True, help_text='The exact change, e.g. "KRAS G12C" or "EGFR exon 20 insertion".'
    )
    description = models.TextField(
        max_length=600, blank=True, help_text="One or two plain sentences in our own words. No advice."
    )
    articles = models.ManyToManyField(
        Article, blank=True, related_name="treatments", verbose_name="reviewed articles about it"
    )

    class Meta:
        ordering = ["generic_name"]

    def __str__(self):
        brands = self.brand_names.strip()
        return f"{self.generic_name} ({brands})" if brands else self.generic_name

    def get_absolute_url(self):
        return reverse("treatment_hub", args=[self.slug])

    @property
    def brand_name_list(self) -> list[str]:
        return [name.strip() for name in self.brand_names.split(",") if name.strip()]

    @property
    def names(self) -> list[str]:
        """Every name a member might use for it: the generic name, then the brands."""
        return [self.generic_name, *self.brand_name_list]


class ArticleRevision(models.Model):
    """What one save of a published article changed. Append-only: the admin shows it read-only."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    changed_fields = models.JSONField(default=list)
    title_before = models.CharField(max_length=200, blank=True)
    summary_before = models.CharField(max_length=300, blank=True)
    summary_after = models.CharField(max_length=300, blank=True)
    body_before = models.TextField(blank=True)
    body_after = models.TextField(blank=True)
    is_medical_review = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def updates_content(self) -> bool:
        return self.is_medical_review or "body" in self.changed_fields


class SearchSynonym(models.Model):
    """A word members search for and what articles may call it instead (NSCLC → non-small cell
    lung cancer). Brand and generic drug names come from the treatment catalogue, not from here."""

    term = models.CharField(max_length=60, unique=True, help_text="What people type, e.g. NSCLC.")
    alternatives = models.CharField(
        max_length=300,
        help_text="Comma-separated words or phrases that mean the same, e.g. non-small cell lung cancer.",
    )

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.alternatives}"

    @property
    def alternative_list(self) -> list[str]:
        return [part.strip() for part in self.alternatives.split(",") if part.strip()]
