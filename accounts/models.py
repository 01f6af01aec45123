from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import connection, models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

MODERATORS_GROUP = "Moderators"
EDITORS_GROUP = "Editors"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A member needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


# A member's standing, for the member row `u`: their row and this are read in one statement for the
# signed-in member of every request.
STANDING_COLUMNS = (
    "EXISTS (SELECT 1 FROM account_emailaddress WHERE user_id = u.id AND verified) AS has_verified_email,"
    " (SELECT COUNT(*) FROM accounts_notification WHERE recipient_id = u.id AND read_at IS NULL)"
    " AS unread_notifications"
)


@dataclass(frozen=True)
class MemberStanding:
    has_verified_email: bool
    unread_notifications: int


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254)
    display_name = models.CharField(
        max_length=60,
        help_text="Shown to other members next to what you write. Never your email address.",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    # Sanctions, set only by moderation services (which also write the audit log).
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    ban_reason = models.CharField(max_length=300, blank=True)
    # Set when a new member's first posts have been approved: from then on posts go live at once.
    premoderation_cleared_at = models.DateTimeField(null=True, blank=True)
    # Set by a moderator when a member has died (memorials.services): the account no longer logs in,
    # receives no email of any kind, and leaves member lists; what they wrote stays. Reversible.
    remembered_at = models.DateTimeField(null=True, blank=True)
    memorial_line = models.CharField(
        max_length=300, blank=True, help_text="An optional line from the family, shown on the profile."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    @cached_property
    def standing(self) -> MemberStanding:
        """What every page a member sees asks about them: whether an address of theirs is verified
        (the door to the community) and how many notifications wait (the bell). Read once for the
        life of this object, which for the signed-in member is one request, and for them read with
        their own row (accounts.selectors.signed_in_member). Written as SQL because building the two
        ORM queries it replaces costs more Python than the statement, on every member page."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {STANDING_COLUMNS} FROM {self._meta.db_table} u WHERE u.id = %s", [self.pk])  # noqa: S608
            verified, unread = cursor.fetchone()
        return MemberStanding(has_verified_email=bool(verified), unread_notifications=unread)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
        ]
        permissions = [("moderate_community", "Can use the moderation queue")]

    def __str__(self):
        return self.display_name or f"Member {self.pk}"

    def save(self, *args, **kwargs):
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("member_detail", args=[self.pk])

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def is_remembered(self) -> bool:
        return self.remembered_at is not None


class ReferenceEntry(models.Model):
    """A choice members pick from on their profile: reference data seeded by a migration
    (accounts/reference_data.py), listed in its own order."""

    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return self.name


class Biomarker(ReferenceEntry):
    """A tumour marker a member may list."""

    code = models.CharField(max_length=20, unique=True)


class TreatmentType(ReferenceEntry):
    """A kind of treatment (surgery, chemotherapy, ...)."""

    code = models.SlugField(max_length=30, unique=True)


class Visibility(models.TextChoices):
    MEMBERS = "members", "Members"
    ONLY_ME = "only_me", "Only me"


# The health details a member may share only after consenting to their storage (HealthDataConsent).
# Withdrawing consent erases them at once.
HEALTH_FIELDS = ("diagnosis", "stage", "biomarkers", "treatments", "medicines", "year_diagnosed")


class TeamAddPolicy(models.TextChoices):
    EVERYONE = "everyone", "Any member"
    NOBODY = "nobody", "Nobody"


class MessagePolicy(models.TextChoices):
    """Who may send the member a private message (the messaging app reads it)."""

    MEMBERS = "members", "Any member, through a message request"
    TEAM = "team", "Only members on my team"
    NOBODY = "nobody", "Nobody"


# The profile fields a member can hide, in the order the profile shows them.
PROFILE_PRIVATE_FIELDS = (
    "role",
    "diagnosis",
    "stage",
    "biomarkers",
    "treatments",
    "medicines",
    "year_diagnosed",
    "location",
)


class Profile(models.Model):
    class Role(models.TextChoices):
        LIVING_WITH = "living_with", "Living with lung cancer"
        CAREGIVER = "caregiver", "Caregiver or family"
        BEREAVED_CARER = "bereaved_carer", "Bereaved carer"
        FRIEND = "friend", "Friend"
        OTHER = "other", "Other"

    class Diagnosis(models.TextChoices):
        NSCLC = "nsclc", "Non-small cell lung cancer"
        SCLC = "sclc", "Small cell lung cancer"
        MESOTHELIOMA = "mesothelioma", "Mesothelioma"
        OTHER = "other", "Other"
        NOT_SURE = "not_sure", "Not sure"

    class Stage(models.TextChoices):
        STAGE_0 = "0", "Stage 0"
        STAGE_1 = "1", "Stage I"
        STAGE_2 = "2", "Stage II"
        STAGE_3 = "3", "Stage III"
        STAGE_4 = "4", "Stage IV"
        LIMITED = "limited", "Limited stage (small cell)"
        EXTENSIVE = "extensive", "Extensive stage (small cell)"
        NOT_SURE = "not_sure", "Not sure"

    PRIVATE_FIELDS = PROFILE_PRIVATE_FIELDS

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    role = models.CharField(max_length=20, choices=Role, blank=True)
    diagnosis = models.CharField(max_length=20, choices=Diagnosis, blank=True)
    stage = models.CharField(max_length=20, choices=Stage, blank=True)
    biomarkers = models.ManyToManyField(Biomarker, blank=True, related_name="profiles")
    treatments = models.ManyToManyField(TreatmentType, blank=True, related_name="profiles")
    # Current and past medicines, chosen from the staff-kept catalogue.
    medicines = models.ManyToManyField("articles.Treatment", blank=True, related_name="profiles")
    year_diagnosed = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=100, blank=True, help_text="A region, not an address.")
    bio = models.TextField(max_length=1000, blank=True)

    role_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    diagnosis_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    stage_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    biomarkers_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    treatments_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    medicines_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    year_diagnosed_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    location_visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)

    # Privacy settings (/settings/privacy/).
    team_add_policy = models.CharField(
        "who can add me to their team", max_length=10, choices=TeamAddPolicy, default=TeamAddPolicy.EVERYONE
    )
    discoverable = models.BooleanField("appear in “members like you” and member search", default=True)
    message_policy = models.CharField(
        "who can message me", max_length=10, choices=MessagePolicy, default=MessagePolicy.MEMBERS
    )

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_diagnosed__isnull=True) | models.Q(year_diagnosed__gte=1900),
                name="profile_year_diagnosed_plausible",
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}_visibility__in": Visibility.values}),
                    name=f"profile_{field}_visibility_valid",
                )
                for field in PROFILE_PRIVATE_FIELDS
            ),
            models.CheckConstraint(
                condition=models.Q(team_add_policy__in=TeamAddPolicy.values), name="profile_team_add_policy_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(message_policy__in=MessagePolicy.values), name="profile_message_policy_valid"
            ),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    def get_absolute_url(self):
        return reverse("member_detail", args=[self.user_id])


class HealthDataConsent(models.Model):
    """A member's consent to Kindred storing the health details they choose to share, under one
    version of the privacy policy. Withdrawing sets `withdrawn_at` (the row stays as the record of
    what was agreed and when); giving consent again makes a new row."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_consents")
    policy_version = models.CharField(max_length=40)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(withdrawn_at__isnull=True), name="one_active_health_consent"
            )
        ]

    def __str__(self):
        state = f"withdrawn {self.withdrawn_at:%Y-%m-%d}" if self.withdrawn_at else "active"
        return f"Health data consent of {self.member} ({self.policy_version}, {state})"


# Never served by the media view (accounts.views.media refuses this folder).
EXPORTS_FOLDER = "exports"


def _export_path(instance, filename):
    return f"{EXPORTS_FOLDER}/{filename}"


class DataExport(models.Model):
    """A member's "download my data" archive. Built by a task, then offered through a one-time link
    for the owner only; the file is deleted after the download or when the link expires. Only a hash
    of the link's token is stored."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    requested_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to=_export_path, blank=True, max_length=200)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Data export {self.pk} for {self.member}"


class NotificationEmail(models.TextChoices):
    NONE = "", "Not by email"
    PENDING = "pending", "Waiting to be emailed"
    SENT = "sent", "Emailed"
    SEEN = "seen", "Seen before the email went"
    OFF = "off", "Turned off by the member"
    BOUNCING = "bouncing", "Address bouncing"


class Notification(models.Model):
    """Something a member should know about, shown under the bell and on /notifications/."""

    class Kind(models.TextChoices):
        ANSWER = "answer", "New answer"
        REPLY = "reply", "New reply"
        REACTION = "reaction", "Reactions"
        MODERATION = "moderation", "Moderation"
        MESSAGE = "message", "Private message"
        TEAM = "team", "News about your team"

    # Indexed first in each index below.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Notifications about one thing (a question, an update, an answer) share a key: at most one
    # email per thread per hour, later ones folded into the next.
    thread_key = models.CharField(max_length=40, blank=True)
    email_status = models.CharField(max_length=10, choices=NotificationEmail, default="", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A member's page of notifications, newest first, without sorting all they ever received.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_newest"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "thread_key", "email_status"], name="notification_email_thread"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}: {self.message[:40]}"


class NewsletterSubscription(models.Model):
    """Someone who asked for new articles by email. Nothing is sent until the address is confirmed
    (double opt-in). When the address belongs to a member, the member's EmailPreferences decide."""

    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscription_email_unique_case_insensitive"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    NEVER = "never", "Never"


class EmailPreferences(models.Model):
    """What a member wants by email. Moderation notices about their own content are always sent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    digest_frequency = models.CharField(
        "digest", max_length=10, choices=DigestFrequency, default=DigestFrequency.WEEKLY
    )
    new_articles = models.BooleanField("new articles", default=False)
    answers = models.BooleanField("someone answered my question", default=True)
    replies = models.BooleanField("someone replied to my comment or update", default=True)
    new_messages = models.BooleanField("new private messages", default=True)
    team_news = models.BooleanField("news about my team", default=True)
    # A bereaved carer may leave treatment news (new articles, trial alerts) out of their digest.
    treatment_news = models.BooleanField("treatment news in my digest", default=True)
    # Offered only with health consent, and read only while consent and biomarkers are there.
    trial_alerts = models.BooleanField("new recruiting trials matching my biomarkers", default=False)
    # When the digest was last delivered: the next one starts from here.
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # A permanent delivery failure (5xx) for this address. Mail stops while the member's email is
    # still this address; changing or re-verifying the address clears it.
    bounced_email = models.EmailField(max_length=254, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "email preferences"
        verbose_name_plural = "email preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_frequency__in=DigestFrequency.values), name="email_digest_frequency_valid"
            )
        ]

    def __str__(self):
        return f"Email preferences of {self.user}"

    def is_bouncing(self, email: str) -> bool:
        return bool(self.bounced_email) and self.bounced_email.lower() == (email or "").lower()


class DigestDelivery(models.Model):
    """One digest for one member for one period. Written before sending and marked after, so a
    rerun never sends a period twice and a crash resumes where it stopped."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        RETRY = "retry", "Temporary failure, will retry"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries")
    frequency = models.CharField(max_length=10, choices=DigestFrequency)
    period_start = models.DateField(help_text="The day (daily) or the Monday of the week (weekly).")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["member", "frequency", "period_start"], name="one_digest_per_period"),
        ]
        indexes = [models.Index(fields=["frequency", "period_start", "status"], name="digest_delivery_due")]

    def __str__(self):
        return f"{self.get_frequency_display()} digest for {self.member} ({self.period_start}): {self.status}"


class ArticleEmailDelivery(models.Model):
    """One new-article email to one address: written before sending, so a rerun after a crash
    sends only what is missing and never the same article twice."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "email"], name="one_article_email_per_address")]

    def __str__(self):
        return f"Article {self.article_id} to {self.email}"
