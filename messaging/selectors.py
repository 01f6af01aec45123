"""Reads for private messages. Every function returns only what the viewer may see: their own
conversations, and a conversation only to the two members in it."""

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce, Left
from django.http import Http404

from accounts.models import MODERATORS_GROUP, MessagePolicy, Profile, User
from accounts.permissions import acts_as_moderator, can_post, can_read_community
from community.models import Block, TeamMembership
from community.selectors import is_blocked_between
from core.db import planned_each_time
from core.pagination import ListPage
from messaging.models import Conversation, Message, Participant

CONVERSATION_PAGE = 50
INBOX_PAGE = 30
PREVIEW_CHARACTERS = 120
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


# Who may write to whom


@dataclass(frozen=True)
class SendCheck:
    allowed: bool
    reason: str = ""
    conversation: Conversation | None = None
    # A first message to someone whose team the sender is not on: it waits as a request.
    as_request: bool = False


def conversation_between(a_id: int, b_id: int) -> Conversation | None:
    low, high = Conversation.ordered_pair(a_id, b_id)
    return Conversation.objects.filter(member_low_id=low, member_high_id=high).first()


def send_check(*, sender: User, recipient: User | None, conversation: Conversation | None = None) -> SendCheck:
    """Whether `sender` may send `recipient` a message now, and if not, why, in words for them.
    The one place these rules live: the services, the pages and the profile button all ask it.
    A page that has the pair's conversation already passes it."""
    if not can_post(sender) or sender.is_banned:
        return SendCheck(False, "Your account cannot send messages at the moment.")
    if recipient is None or not recipient.is_active or recipient.is_remembered or recipient.pk == sender.pk:
        return SendCheck(False, "This member cannot receive messages.")
    name = recipient.display_name
    if is_blocked_between(sender, recipient.pk):
        return SendCheck(False, f"You cannot send messages to {name}.")
    if conversation is None:
        conversation = conversation_between(sender.pk, recipient.pk)
    if conversation is not None:
        if conversation.started_by_id == sender.pk:
            theirs = Participant.objects.filter(conversation=conversation, member=recipient).values_list("state")
            if theirs.first() != (Participant.State.ACCEPTED,):
                return SendCheck(
                    False,
                    f"Your first message to {name} is waiting for them. You can write again once they accept it.",
                    conversation,
                )
        return SendCheck(True, conversation=conversation)
    policy = recipient.profile.message_policy
    if policy == MessagePolicy.NOBODY:
        return SendCheck(False, f"{name} has chosen not to receive private messages.")
    on_their_team = TeamMembership.objects.filter(member=recipient, teammate=sender).exists()
    if policy == MessagePolicy.TEAM and not on_their_team:
        return SendCheck(False, f"{name} receives private messages only from members on their team.")
    return SendCheck(True, as_request=not on_their_team)


# Lists


def _blocked_by_viewer(viewer_id: int):
    return Block.objects.filter(blocker_id=viewer_id).filter(
        Q(blocked_id=OuterRef("conversation__member_low_id")) | Q(blocked_id=OuterRef("conversation__member_high_id"))
    )


def _unread(viewer_id: int):
    return Message.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        deleted_at__isnull=True,
        created_at__gt=Coalesce(OuterRef("last_read_at"), Value(_LONG_AGO)),
    ).exclude(author_id=viewer_id)


def _shown_places(viewer: User) -> QuerySet:
    """The viewer's conversations they have not hidden, without those with someone they blocked."""
    return Participant.objects.filter(member_id=viewer.pk, hidden_at__isnull=True).exclude(
        Exists(_blocked_by_viewer(viewer.pk))
    )


def _last_message(conversation_ref: str) -> dict:
    """The newest message's start, author and state, for a list row: subqueries, no extra query."""
    newest = Message.objects.filter(conversation_id=OuterRef(conversation_ref)).order_by("-created_at", "-id")
    return {
        "last_start": Subquery(newest.annotate(start=Left("text", PREVIEW_CHARACTERS)).values("start")[:1]),
        "last_author_id": Subquery(newest.values("author_id")[:1]),
        "last_deleted_at": Subquery(newest.values("deleted_at")[:1]),
        "last_state": Subquery(newest.values("moderation_state")[:1]),
    }


# One statement per list, written as SQL: the ORM's version of it took longer to build in Python
# than PostgreSQL took to run it, on every look at the inbox (bench/RESULTS.md). The page of places
# is chosen first, and only its rows are joined to the members and their newest message.
_LIST_SQL = """
WITH page AS (
    SELECT p.id, p.conversation_id, p.state, p.last_read_at,
           c.member_low_id, c.member_high_id, c.last_message_at, c.with_moderators, c.started_by_id, c.created_at
    FROM messaging_participant p
    JOIN messaging_conversation c ON c.id = p.conversation_id
    WHERE p.member_id = %(viewer)s AND p.hidden_at IS NULL AND p.state = %(state)s
      AND NOT EXISTS (
          SELECT 1 FROM community_block b
          WHERE b.blocker_id = %(viewer)s AND b.blocked_id IN (c.member_low_id, c.member_high_id)
      )
    ORDER BY c.last_message_at DESC, c.id DESC
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT page.*, other.id AS other_id, other.display_name AS other_name, profile.avatar AS other_avatar,
       last.start AS last_start, last.author_id AS last_author_id, last.deleted_at AS last_deleted_at,
       last.moderation_state AS last_state,
       EXISTS (
           SELECT 1 FROM messaging_message m
           WHERE m.conversation_id = page.conversation_id AND m.deleted_at IS NULL AND m.author_id <> %(viewer)s
             AND m.created_at > COALESCE(page.last_read_at, '2000-01-01'::timestamptz)
       ) AS unread
FROM page
LEFT JOIN accounts_user other
       ON other.id = CASE WHEN page.member_low_id = %(viewer)s THEN page.member_high_id ELSE page.member_low_id END
LEFT JOIN accounts_profile profile ON profile.user_id = other.id
LEFT JOIN LATERAL (
    SELECT left(m.text, %(preview)s) AS start, m.author_id, m.deleted_at, m.moderation_state
    FROM messaging_message m WHERE m.conversation_id = page.conversation_id
    ORDER BY m.created_at DESC, m.id DESC LIMIT 1
) last ON true
ORDER BY page.last_message_at DESC, page.conversation_id DESC
"""


_AVATAR = Profile._meta.get_field("avatar")


def _places(viewer: User, state: str, *, limit: int, offset: int = 0) -> list[SimpleNamespace]:
    """The viewer's shown places in this state, each with the conversation, the other member (and
    their profile's picture), the newest message's start and whether anything is unread. Plain
    objects rather than model instances: building four models per row cost more than the query."""
    parameters = {
        "viewer": viewer.pk,
        "state": state,
        "limit": limit,
        "offset": offset,
        "preview": PREVIEW_CHARACTERS,
    }
    with connection.cursor() as cursor:
        cursor.execute(_LIST_SQL, parameters)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    places = []
    for row in rows:
        other = None
        if row["other_id"] is not None:
            avatar = FieldFile(None, _AVATAR, row["other_avatar"] or "")
            other = SimpleNamespace(
                pk=row["other_id"], display_name=row["other_name"], profile=SimpleNamespace(avatar=avatar)
            )
        places.append(
            SimpleNamespace(
                pk=row["id"],
                conversation_id=row["conversation_id"],
                conversation=SimpleNamespace(
                    pk=row["conversation_id"],
                    last_message_at=row["last_message_at"],
                    with_moderators=row["with_moderators"],
                ),
                state=row["state"],
                other=other,
                **{name: row[name] for name in ("last_start", "last_author_id", "last_deleted_at", "last_state")},
                unread=row["unread"],
            )
        )
    return places


def inbox_page(*, viewer: User, number: int = 1) -> ListPage:
    """The viewer's accepted conversations, newest activity first: one query whatever their number."""
    rows = _places(viewer, Participant.State.ACCEPTED, limit=INBOX_PAGE + 1, offset=(number - 1) * INBOX_PAGE)
    return ListPage(object_list=rows[:INBOX_PAGE], number=number, has_next=len(rows) > INBOX_PAGE)


def requests_for(*, viewer: User, limit: int = 50) -> list[SimpleNamespace]:
    """Message requests waiting for the viewer's answer (ignored ones are left out)."""
    return _places(viewer, Participant.State.PENDING, limit=limit)


def unread_count(member_id: int) -> int:
    """Conversations and requests with a message the member has not read: one query."""
    return (
        Participant.objects.filter(member_id=member_id, hidden_at__isnull=True)
        .exclude(state=Participant.State.IGNORED)
        .exclude(Exists(_blocked_by_viewer(member_id)))
        .filter(Exists(_unread(member_id)))
        .count()
    )


def waiting_for_moderators_count() -> int:
    return _waiting_for_moderators().count()


# Conversations with the moderation team


def moderators_conversation(member_id: int) -> Conversation | None:
    return Conversation.objects.filter(with_moderators=True, member_low_id=member_id).first()


def may_write_to_moderators(member: User) -> bool:
    # Suspended members too: it is how they ask about a decision.
    return can_read_community(member) and not member.is_banned


def _waiting_for_moderators() -> QuerySet:
    """Members' conversations with the team whose newest message is the member's: an answer is due."""
    newest_author = Message.objects.filter(conversation_id=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        Conversation.objects.filter(with_moderators=True, member_low__isnull=False)
        .annotate(newest_author_id=Subquery(newest_author.values("author_id")[:1]))
        .filter(newest_author_id=F("member_low_id"))
    )


def moderators_inbox(*, viewer: User, limit: int = 50) -> list[Conversation]:
    """For moderators: members' conversations with the team, those waiting for an answer first,
    then by newest activity. Empty for everyone else."""
    if not acts_as_moderator(viewer):
        return []
    rows = (
        Conversation.objects.filter(with_moderators=True, member_low__isnull=False)
        .select_related("member_low__profile")
        .annotate(
            waiting=Exists(_waiting_for_moderators().filter(pk=OuterRef("pk"))),
            **_last_message("pk"),
        )
        .order_by("-waiting", "-last_message_at", "-pk")[:limit]
    )
    return list(rows)


def moderators_send_check(*, sender: User, conversation: Conversation) -> SendCheck:
    """Whether `sender` may write in a member's conversation with the team: the member, or a
    moderator answering for the team."""
    if conversation.member_low_id is None:
        return SendCheck(False, "This member has left Kindred, so the conversation is closed.")
    is_the_member = conversation.member_low_id == sender.pk
    if not (may_write_to_moderators(sender) if is_the_member else acts_as_moderator(sender)):
        return SendCheck(False, "Your account cannot send messages at the moment.")
    return SendCheck(True, conversation=conversation)


def display_names(member_ids: set[int]) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=member_ids).values_list("pk", "display_name"))


def moderator_ids() -> list[int]:
    return list(
        User.objects.filter(Q(groups__name=MODERATORS_GROUP) | Q(is_staff=True), is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


# One conversation


def place_for(*, viewer: User, conversation_id: int) -> Participant:
    """The viewer's side of the conversation, with the conversation and both members; 404 for
    anyone who is not in it, and for the one who hid it by blocking."""
    place = (
        Participant.objects.select_related("conversation__member_low__profile", "conversation__member_high__profile")
        .filter(conversation_id=conversation_id, member_id=viewer.pk, hidden_at__isnull=True)
        .first()
    )
    if place is None:
        place = _moderators_place(viewer, conversation_id)
    if place is None:
        raise Http404
    place.other = place.conversation.other_member(viewer.pk)
    return place


def _moderators_place(viewer: User, conversation_id: int) -> Participant | None:
    """A moderator's side of a member's conversation with the team: not stored, since the team
    reads and answers it together."""
    conversation = (
        Conversation.objects.select_related("member_low__profile")
        .filter(pk=conversation_id, with_moderators=True, member_low__isnull=False)
        .first()
    )
    if conversation is None or conversation.member_low_id == viewer.pk or not acts_as_moderator(viewer):
        return None
    return Participant(conversation=conversation, member=viewer, state=Participant.State.ACCEPTED)


@dataclass
class MessagePage:
    messages: list[Message]
    has_earlier: bool
    earliest_id: int | None


def conversation_messages(*, conversation: Conversation, before_id: int | None = None) -> MessagePage:
    """The newest CONVERSATION_PAGE messages (or those before `before_id`), oldest first: one query."""
    rows = Message.objects.filter(conversation=conversation).order_by("-created_at", "-id")
    if before_id is not None:
        anchor = Message.objects.filter(conversation=conversation, pk=before_id).values("created_at")[:1]
        rows = rows.filter(Q(created_at__lt=Subquery(anchor)) | Q(created_at=Subquery(anchor), id__lt=before_id))
    # A conversation of thousands of messages needs another plan than one of twenty.
    with planned_each_time():
        newest = list(rows[: CONVERSATION_PAGE + 1])
    has_earlier = len(newest) > CONVERSATION_PAGE
    shown = newest[:CONVERSATION_PAGE][::-1]
    return MessagePage(messages=shown, has_earlier=has_earlier, earliest_id=shown[0].pk if shown else None)


def own_message(*, viewer: User, message_id: int) -> Message:
    """A message the viewer wrote, in a conversation they still see; 404 otherwise."""
    message = (
        Message.objects.select_related("conversation")
        .filter(pk=message_id, author_id=viewer.pk)
        .filter(
            # A moderator's answer in a member's conversation with the team has no place of its own.
            Q(conversation__participants__member_id=viewer.pk, conversation__participants__hidden_at__isnull=True)
            | Q(conversation__with_moderators=True)
        )
        .distinct()
        .first()
    )
    if message is None:
        raise Http404
    return message


# Download my data


def conversations_for_export(member: User) -> list[dict]:
    conversations = []
    places = Participant.objects.filter(member=member).select_related(
        "conversation__member_low", "conversation__member_high"
    )
    for place in places.order_by("conversation__created_at", "conversation_id"):
        other = place.conversation.other_member(member.pk)
        messages = Message.objects.filter(conversation_id=place.conversation_id).order_by("created_at", "id")
        conversations.append(
            {
                "with": (
                    "Kindred moderators"
                    if place.conversation.with_moderators
                    else (other.display_name if other else "A member who has left Kindred")
                ),
                "started_at": place.conversation.created_at.isoformat(),
                "my_state": place.state,
                "messages": [
                    {
                        "from": "me" if m.author_id == member.pk else "them",
                        # A message a moderator removed keeps its words for its author only.
                        "text": m.text if m.author_id == member.pk or not m.is_removed else "",
                        "removed_by_moderator": m.is_removed,
                        "sent_at": m.created_at.isoformat(),
                        "edited_at": m.edited_at.isoformat() if m.edited_at else None,
                        "deleted": m.deleted_at is not None,
                    }
                    for m in messages
                ],
            }
        )
    return conversations
