"""Private conversations between two members.

One conversation per pair of members: the pair is stored in order (`member_low` has the smaller
id), so a unique constraint on the two columns holds "one per pair" in the database itself. Each
member's side of it (a request waiting, accepted or ignored; what they last read; hidden after a
block) is a `Participant` row. A member who deletes their account leaves an empty place: their
column becomes NULL and the other member sees "This member has left Kindred".

A member's conversation with the moderation team is a conversation with one member
(`member_low`) and `with_moderators` set: every moderator may read and answer it, and the member
sees their answers as from "Kindred moderators".
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from community.models import ModerationState

TEXT_MAX = 5000


class Conversation(models.Model):
    member_low = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    member_high = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Who wrote first: counts toward their daily limit of new conversations.
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The newest message's time, kept here so the inbox sorts without reading the messages.
    last_message_at = models.DateTimeField(default=timezone.now)
    with_moderators = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_low", "member_high"], name="conversation_one_per_pair"),
            models.CheckConstraint(
                condition=Q(member_low__isnull=True) | Q(member_high__isnull=True) | Q(member_low__lt=F("member_high")),
                name="conversation_pair_in_order",
            ),
            models.CheckConstraint(
                condition=Q(member_low__isnull=False) | Q(member_high__isnull=False),
                name="conversation_has_a_member",
            ),
            models.CheckConstraint(
                condition=Q(with_moderators=False) | Q(member_high__isnull=True),
                name="conversation_moderators_one_member",
            ),
            models.UniqueConstraint(
                fields=["member_low"], condition=Q(with_moderators=True), name="conversation_one_with_moderators"
            ),
        ]
        indexes = [models.Index(fields=["started_by", "created_at"], name="conversation_started")]

    def __str__(self):
        return f"Conversation {self.pk}"

    @staticmethod
    def ordered_pair(a_id: int, b_id: int) -> tuple[int, int]:
        return (a_id, b_id) if a_id < b_id else (b_id, a_id)

    def other_member(self, member_id: int):
        """The other member, or None when they have left Kindred. For a moderator in a conversation
        with the moderation team, the member who wrote to it."""
        return self.member_high if self.member_low_id == member_id else self.member_low

    def other_member_id(self, member_id: int) -> int | None:
        return self.member_high_id if self.member_low_id == member_id else self.member_low_id


class Participant(models.Model):
    """One member's side of a conversation."""

    class State(models.TextChoices):
        PENDING = "pending", "Message request waiting"
        ACCEPTED = "accepted", "Accepted"
        IGNORED = "ignored", "Request ignored"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_places")
    state = models.CharField(max_length=10, choices=State, default=State.ACCEPTED)
    last_read_at = models.DateTimeField(null=True, blank=True)
    # Set when this member blocked the other: the conversation leaves their inbox.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "member"], name="participant_once"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "accepted", "ignored"]), name="participant_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["member", "state"], name="participant_member_state")]

    def __str__(self):
        return f"{self.member} in conversation {self.conversation_id} ({self.state})"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent")
    text = models.TextField(max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # A deleted message keeps its place ("message deleted") but not its words.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # A first message with a link from a member in their first week: it waits as a request, its
    # addresses shown as words until the reader accepts it.
    links_held = models.BooleanField(default=False, db_default=False)
    # Only "visible" and "removed" are used: a reported message stays until a moderator decides,
    # and a removed one keeps its words for an appeal while both members see "removed".
    moderation_state = models.CharField(
        max_length=10, choices=ModerationState, default=ModerationState.VISIBLE, db_default=ModerationState.VISIBLE
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True, text__regex=r"\S") | Q(deleted_at__isnull=False, text=""),
                name="message_text_unless_deleted",
            ),
            models.CheckConstraint(
                condition=Q(edited_at__isnull=True) | Q(edited_at__gte=F("created_at")), name="message_edited_after"
            ),
        ]
        indexes = [
            # A conversation's newest messages, and its unread ones, without sorting them all.
            models.Index(fields=["conversation", "-created_at", "-id"], name="message_newest"),
        ]

    def __str__(self):
        return f"Message {self.pk} in conversation {self.conversation_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_removed(self) -> bool:
        return self.moderation_state == ModerationState.REMOVED
