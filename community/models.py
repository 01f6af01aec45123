"""What members write and how they connect: updates, comments, reactions, questions, answers, teams.

Counters (reactions, comments, answers, helpful votes) are kept on the item and changed by the
services in the same transaction as the row they count, so list pages never COUNT per item.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class ModerationState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    PENDING = "pending", "Waiting for a moderator"
    HIDDEN = "hidden", "Under review"
    REMOVED = "removed", "Removed"


class Moderated(models.Model):
    """What moderation may do to a member-written item. Only VISIBLE items are shown to others;
    the author also sees their PENDING and HIDDEN items, with a label saying why."""

    moderation_state = models.CharField(
        max_length=10, choices=ModerationState, default=ModerationState.VISIBLE, db_index=True
    )
    # "See our reviewed article on ...": shown under the item instead of removing it.
    moderator_note = models.CharField(max_length=500, blank=True)
    moderator_note_article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Kept up to date by a PostgreSQL trigger (see migration 0004_search).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_visible(self) -> bool:
        return self.moderation_state == ModerationState.VISIBLE


class Update(Moderated):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(max_length=5000, blank=True)
    picture = models.ImageField(
        upload_to="updates/", blank=True, width_field="picture_width", height_field="picture_height"
    )
    picture_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_alt = models.CharField("picture description", max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    hug_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    thanks_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text="") | ~Q(picture=""), name="update_has_text_or_picture"),
        ]
        indexes = [
            # The feed's order, id included: with created_at alone, PostgreSQL read every update of
            # the newest moment to sort them by id before it could stop (138 rows for a page of 21
            # in the scale data).
            models.Index(fields=["-created_at", "-id"], name="update_newest"),
            models.Index(fields=["author", "-created_at"], name="update_author_recent"),
        ]

    def __str__(self):
        return f"Update {self.pk} by {self.author}"

    def get_absolute_url(self):
        return reverse("update_detail", args=[self.pk])


class Question(Moderated):
    TITLE_MIN = 15
    TITLE_MAX = 200

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions")
    title = models.CharField(max_length=TITLE_MAX)
    slug = models.SlugField(max_length=80, blank=True)
    details = models.TextField(max_length=10000, blank=True)
    topic = models.ForeignKey(
        "articles.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    # Shown to everyone, members included, as "A Kindred member"; moderators still see the author.
    is_anonymous = models.BooleanField("post as “A Kindred member”", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    answer_count = models.PositiveIntegerField(default=0)
    # The sum of helpful votes on its answers: "most helpful" sorts on it.
    helpful_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("title"), 15),
                name="question_title_at_least_15_characters",
                violation_error_message="A question title needs at least 15 characters.",
            )
        ]
        indexes = [
            # The list's newest-first order, id included (see update_newest).
            models.Index(fields=["-created_at", "-id"], name="question_newest"),
            models.Index(fields=["answer_count", "-created_at", "-id"], name="question_unanswered"),
            models.Index(fields=["-helpful_count", "-created_at"], name="question_most_helpful"),
            # Search always looks for a question whose title is exactly the query (case-insensitively).
            models.Index(Upper("title"), name="question_title_upper"),
            models.Index(fields=["author", "-created_at"], name="question_author_recent"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title)[:80] or "question"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("question_detail", args=[self.pk, self.slug or "question"])


class Answer(Moderated):
    # Indexed by answer_question_order (below), which starts with the question.
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=10000)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The asker's choice: "this helped me most". At most one per question.
    is_accepted = models.BooleanField(default=False)
    helpful_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-is_accepted", "-helpful_count", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_accepted=True), name="one_accepted_answer_per_question"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="answer_has_text"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="answer_author_recent"),
            # A question's answers in the order the page shows them, so that the first page reads its
            # 10 answers from the index instead of sorting all of them.
            models.Index(
                fields=["question", "-is_accepted", "-helpful_count", "created_at", "id"], name="answer_question_order"
            ),
        ]

    def __str__(self):
        return f"Answer {self.pk} to {self.question_id}"

    def get_absolute_url(self):
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"


class QuestionFollow(models.Model):
    """A member following a question they did not ask: its new answers come in their digest."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_follows")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "question"], name="one_follow_per_member_question")]

    def __str__(self):
        return f"{self.member} follows question {self.question_id}"


class HelpfulVote(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "member"], name="one_helpful_vote_per_member")]

    def __str__(self):
        return f"{self.member} found answer {self.answer_id} helpful"


# The columns that decide whether a comment is shown in its thread (selectors._thread_comments).
_SHOWN_BY = ["parent", "moderation_state", "author"]


class Comment(Moderated):
    """A comment on exactly one of: an article, an update, an answer. Replies go one level deep."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    update = models.ForeignKey(Update, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # A deleted comment with replies stays as "comment removed" so the thread still reads.
    is_removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(article__isnull=False, update__isnull=True, answer__isnull=True)
                    | Q(article__isnull=True, update__isnull=False, answer__isnull=True)
                    | Q(article__isnull=True, update__isnull=True, answer__isnull=False)
                ),
                name="comment_has_exactly_one_target",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_its_own_parent"),
        ]
        indexes = [
            # A thread in its order, with what decides whether each comment is shown, so that counting
            # the comments before a new one reads the index alone and not the table.
            # Each holds only its own kind's comments: the foreign keys' own indexes serve the rest.
            models.Index(
                fields=["article", "created_at", "id", *_SHOWN_BY],
                condition=Q(article__isnull=False),
                name="comment_article_thread",
            ),
            models.Index(
                fields=["update", "created_at", "id", *_SHOWN_BY],
                condition=Q(update__isnull=False),
                name="comment_update_thread",
            ),
            models.Index(
                fields=["answer", "created_at", "id", *_SHOWN_BY],
                condition=Q(answer__isnull=False),
                name="comment_answer_thread",
            ),
            # Posting limits and the duplicate check look at one author's latest posts: a member with
            # 20,000 comments must not make each new comment read them all.
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author}"

    @property
    def target(self):
        return self.article or self.update or self.answer


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HUG = "hug", "Hug"
        LIKE = "like", "Like"
        THANKS = "thanks", "Thanks"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "update", "kind"], name="one_reaction_of_a_kind_per_member"),
            models.CheckConstraint(condition=Q(kind__in=["hug", "like", "thanks"]), name="reaction_kind_valid"),
        ]

    def __str__(self):
        return f"{self.member} {self.kind} on update {self.update_id}"


class TeamMembership(models.Model):
    """`member` added `teammate` to their team (a follow: no approval needed)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    teammate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="added_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "teammate"], name="team_membership_unique"),
            models.CheckConstraint(condition=~Q(member=F("teammate")), name="team_not_self"),
        ]

    def __str__(self):
        return f"{self.teammate} in {self.member}'s team"


class Block(models.Model):
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker} blocked {self.blocked}"


# Moderation's models live in their own room (community/moderation/models.py); imported here so
# Django registers them under this app and its migrations.
from community.moderation.models import Appeal as Appeal  # noqa: E402
from community.moderation.models import AppendOnlyQuerySet as AppendOnlyQuerySet  # noqa: E402
from community.moderation.models import CrisisResource as CrisisResource  # noqa: E402
from community.moderation.models import ModerationAction as ModerationAction  # noqa: E402
from community.moderation.models import Report as Report  # noqa: E402
from community.moderation.models import ReviewItem as ReviewItem  # noqa: E402
