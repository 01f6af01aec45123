"""Writes for private messages. Each function checks that the member may act, changes data in one
transaction and leaves the rest (the header's count, emails) until it commits."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailPreferences, Notification, User
from accounts.permissions import acts_as_moderator, can_post, can_read_community
from accounts.services import notification_create
from community.moderation.models import Report
from community.moderation.screening import LINK
from community.selectors import has_approved_post, is_blocked_between
from community.services import member_block
from messaging import live, selectors, unread
from messaging.models import TEXT_MAX, Conversation, Message, Participant

EDIT_WINDOW = timedelta(minutes=15)
# New conversations a member may start in a day: fewer in their first days, or until something
# they wrote is up for others to read, against spam.
NEW_MEMBER_DAYS = 3
DAILY_NEW_CONVERSATIONS_NEW_MEMBER = 3
DAILY_NEW_CONVERSATIONS = 20
# A member this new whose first message to someone holds a link: it waits as a request.
LINKS_HELD_DAYS = 7


class MessagingLimitReached(ValidationError):
    pass


def clean_text(text: str) -> str:
    """The rules for a message's words, as for posts: plain text, 5,000 characters at most."""
    # Line breaks count as one character, as in the browser's box (see core.forms.LongTextField).
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError("A message needs some words.")
    if len(text) > TEXT_MAX:
        raise ValidationError(f"A message can be at most 5,000 characters long; this one has {len(text)}.")
    return text


def thread_key(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def _forget_counts_on_commit(*member_ids: int) -> None:
    transaction.on_commit(lambda: unread.forget(*member_ids))


def _show_change_on_commit(conversation: Conversation) -> None:
    """Open pages of the conversation learn of the change at their next check (messaging.live)."""
    members = (conversation.member_low_id, conversation.member_high_id)
    transaction.on_commit(lambda: live.touch(conversation.pk, members))


def _enforce_new_conversation_limit(sender: User, now) -> None:
    is_new = sender.date_joined > now - timedelta(days=NEW_MEMBER_DAYS) or not has_approved_post(sender)
    limit = DAILY_NEW_CONVERSATIONS_NEW_MEMBER if is_new else DAILY_NEW_CONVERSATIONS
    started = Conversation.objects.filter(started_by=sender, created_at__gte=now - timedelta(days=1)).count()
    if started >= limit:
        raise MessagingLimitReached(
            f"You can start {limit} new conversations a day, and you have reached that today. "
            "Please try again tomorrow; this keeps Kindred safe from spam. Your message is still here."
        )


def _notify(*, recipient_id: int, conversation: Conversation, who: str) -> None:
    """Tell the recipient who wrote, with a link; never the message's words."""
    wants_email = EmailPreferences.objects.filter(user_id=recipient_id).values_list("new_messages", flat=True).first()
    notification_create(
        recipient_id=recipient_id,
        kind=Notification.Kind.MESSAGE,
        message=who,
        url=reverse("conversation_detail", args=[conversation.pk]),
        thread_key=thread_key(conversation.pk),
        by_email=wants_email is not False,
    )


@transaction.atomic(durable=True)
def message_send(*, sender: User, recipient_id: int, text: str) -> Message:
    """Send a message, starting the pair's conversation if they have none. A first message from
    someone not on the recipient's team waits as a request, and nothing more can be sent until the
    recipient accepts it."""
    text = clean_text(text)
    recipient = User.objects.select_related("profile").filter(pk=recipient_id).first()
    check = selectors.send_check(sender=sender, recipient=recipient)
    if not check.allowed:
        raise PermissionDenied(check.reason)
    now = timezone.now()
    if check.conversation is None:
        _enforce_new_conversation_limit(sender, now)
        low, high = Conversation.ordered_pair(sender.pk, recipient.pk)
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    member_low_id=low, member_high_id=high, started_by=sender, created_at=now, last_message_at=now
                )
        except IntegrityError:
            # The other member wrote first a moment ago: their conversation is the one.
            raise ValidationError("Something changed while you were writing. Please send your message again.") from None
        links_held = sender.date_joined > now - timedelta(days=LINKS_HELD_DAYS) and bool(LINK.search(text))
        is_request = check.as_request or links_held
        Participant.objects.bulk_create(
            [
                Participant(
                    conversation=conversation, member=sender, state=Participant.State.ACCEPTED, last_read_at=now
                ),
                Participant(
                    conversation=conversation,
                    member=recipient,
                    state=Participant.State.PENDING if is_request else Participant.State.ACCEPTED,
                ),
            ]
        )
        notify = True
    else:
        # Locked, so two quick sends cannot both pass the "request still waiting" rule.
        conversation = Conversation.objects.select_for_update().get(pk=check.conversation.pk)
        places = {p.member_id: p for p in Participant.objects.select_for_update().filter(conversation=conversation)}
        theirs, mine = places[recipient.pk], places[sender.pk]
        if theirs.state != Participant.State.ACCEPTED and conversation.started_by_id == sender.pk:
            raise PermissionDenied(f"Your first message to {recipient.display_name} is waiting for them.")
        # Replying to a request accepts it.
        Participant.objects.filter(pk=mine.pk).update(
            state=Participant.State.ACCEPTED, last_read_at=now, hidden_at=None
        )
        Participant.objects.filter(pk=theirs.pk).update(hidden_at=None)
        conversation.last_message_at = now
        conversation.save(update_fields=["last_message_at"])
        is_request, links_held = False, False
        notify = theirs.state != Participant.State.IGNORED
    message = Message.objects.create(
        conversation=conversation, author=sender, text=text, created_at=now, links_held=links_held
    )
    if notify:
        sent = "sent you a message request" if is_request else "sent you a message"
        _notify(recipient_id=recipient.pk, conversation=conversation, who=f"{sender.display_name} {sent}")
    _forget_counts_on_commit(sender.pk, recipient.pk)
    _show_change_on_commit(conversation)
    return message


@transaction.atomic(durable=True)
def moderators_message_send(*, sender: User, text: str, conversation: Conversation | None = None) -> Message:
    """A member writes to the moderation team (starting their conversation with it, or going on
    with it), or a moderator answers for the team in a member's conversation with it. The member
    sees the team's answers as from "Kindred moderators"; the log of who answered stays in the rows."""
    text = clean_text(text)
    now = timezone.now()
    from_team = conversation is not None and conversation.member_low_id != sender.pk
    if from_team:
        if not acts_as_moderator(sender):
            raise PermissionDenied("Only moderators answer for the moderators.")
        conversation = Conversation.objects.select_for_update().filter(pk=conversation.pk, with_moderators=True).first()
        if conversation is None or conversation.member_low_id is None:
            raise ValidationError("This member has left Kindred, so the conversation is closed.")
    else:
        if not selectors.may_write_to_moderators(sender):
            raise PermissionDenied("Your account cannot send messages at the moment.")
        conversation = _moderators_conversation_for(sender, now)
    conversation.last_message_at = now
    conversation.save(update_fields=["last_message_at"])
    message = Message.objects.create(conversation=conversation, author=sender, text=text, created_at=now)
    member_id = conversation.member_low_id
    if from_team:
        _notify(recipient_id=member_id, conversation=conversation, who="Kindred moderators sent you a message")
    else:
        Participant.objects.filter(conversation=conversation, member=sender).update(last_read_at=now)
    # Every moderator's header counts the members waiting for an answer.
    _forget_counts_on_commit(member_id, *selectors.moderator_ids())
    _show_change_on_commit(conversation)
    return message


def _moderators_conversation_for(member: User, now) -> Conversation:
    conversation = Conversation.objects.select_for_update().filter(with_moderators=True, member_low=member).first()
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                member_low=member, started_by=member, with_moderators=True, created_at=now, last_message_at=now
            )
    except IntegrityError:
        raise ValidationError("Something changed while you were writing. Please send your message again.") from None
    Participant.objects.create(
        conversation=conversation, member=member, state=Participant.State.ACCEPTED, last_read_at=now
    )
    return conversation


def _own_live_message(actor: User, message: Message) -> Message:
    message = Message.objects.select_for_update().select_related("conversation").get(pk=message.pk)
    if message.author_id != actor.pk:
        raise PermissionDenied("You can only change your own messages.")
    if message.deleted_at is not None:
        raise ValidationError("This message was deleted.")
    return message


@transaction.atomic(durable=True)
def message_edit(*, actor: User, message: Message, text: str) -> Message:
    """Change one's own message within 15 minutes of sending it."""
    if not can_post(actor):
        raise PermissionDenied("Your account cannot send messages at the moment.")
    text = clean_text(text)
    message = _own_live_message(actor, message)
    now = timezone.now()
    if now - message.created_at > EDIT_WINDOW:
        raise ValidationError("A message can be changed for 15 minutes after sending. You can delete it instead.")
    other_id = message.conversation.other_member_id(actor.pk)
    closed = other_id is None or is_blocked_between(actor, other_id)
    if closed and not message.conversation.with_moderators:
        raise PermissionDenied("This conversation is closed.")
    message.text = text
    message.edited_at = now
    message.save(update_fields=["text", "edited_at"])
    _show_change_on_commit(message.conversation)
    return message


@transaction.atomic(durable=True)
def message_delete(*, actor: User, message: Message) -> None:
    """Delete one's own message: its words go, and the other member sees "message deleted"."""
    if not can_read_community(actor):
        raise PermissionDenied("Only members can delete messages.")
    message = _own_live_message(actor, message)
    message.text = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["text", "deleted_at"])
    _forget_counts_on_commit(message.conversation.other_member_id(actor.pk))
    _show_change_on_commit(message.conversation)


def _own_request(actor: User, conversation: Conversation) -> Participant:
    place = Participant.objects.select_for_update().filter(conversation=conversation, member=actor).first()
    if place is None or place.hidden_at is not None:
        raise PermissionDenied("This is not your conversation.")
    return place


@transaction.atomic(durable=True)
def request_accept(*, actor: User, conversation: Conversation) -> None:
    """Accept a message request: the conversation joins the inbox and the other member may write again."""
    if not can_read_community(actor):
        raise PermissionDenied("Only members can accept messages.")
    place = _own_request(actor, conversation)
    if place.state == Participant.State.ACCEPTED:
        # The sender's own side, or a request accepted already: nothing is waiting for this member.
        raise ValidationError("There is no message request waiting for you here.")
    Participant.objects.filter(pk=place.pk).update(state=Participant.State.ACCEPTED)
    _forget_counts_on_commit(actor.pk)


@transaction.atomic(durable=True)
def request_ignore(*, actor: User, conversation: Conversation) -> None:
    """Ignore a request: it leaves the list and the sender is not told. They cannot write again."""
    if not can_read_community(actor):
        raise PermissionDenied("Only members can ignore messages.")
    place = _own_request(actor, conversation)
    if place.state != Participant.State.PENDING:
        raise ValidationError("Only a message request can be ignored.")
    Participant.objects.filter(pk=place.pk).update(state=Participant.State.IGNORED)
    _read_notifications(actor, conversation, timezone.now())
    _forget_counts_on_commit(actor.pk)


def conversation_block(*, actor: User, conversation: Conversation) -> None:
    """Block the other member (community's block, which works everywhere on Kindred) and hide the
    conversation from the one who blocked. Two steps: the block is its own durable write."""
    with transaction.atomic(durable=True):
        place = _own_request(actor, conversation)
        other = conversation.other_member(actor.pk)
    if other is None:
        raise ValidationError("This member has left Kindred.")
    member_block(blocker=actor, blocked=other)
    with transaction.atomic(durable=True):
        Participant.objects.filter(pk=place.pk).update(hidden_at=timezone.now())
        _read_notifications(actor, conversation, timezone.now())
        _forget_counts_on_commit(actor.pk, other.pk)


def _read_notifications(member: User, conversation: Conversation, now) -> None:
    Notification.objects.filter(recipient=member, thread_key=thread_key(conversation.pk), read_at__isnull=True).update(
        read_at=now
    )


@transaction.atomic(durable=True)
def conversation_mark_read(*, member: User, conversation: Conversation) -> None:
    """The member opened the conversation: it is read, and so are its notifications (which then
    send no email)."""
    now = timezone.now()
    unread = Q(last_read_at__isnull=True) | Q(last_read_at__lt=conversation.last_message_at)
    # Looking again at a conversation already read changes nothing, so the header's cached count
    # is kept rather than read again on the next page.
    if Participant.objects.filter(unread, conversation=conversation, member=member).update(last_read_at=now):
        _read_notifications(member, conversation, now)
        _forget_counts_on_commit(member.pk)


def member_messages_erase(*, member: User) -> None:
    """The member is deleting their account (inside its transaction): the messages they sent go,
    their place in each conversation empties, and a conversation nobody is left in goes too.
    Reports of their messages go with them: a report keeps the messages' words."""
    sent = Message.objects.filter(author=member)
    message_type = ContentType.objects.get_for_model(Message)
    Report.objects.filter(content_type=message_type, object_id__in=sent.values("pk")).delete()
    sent.delete()
    conversation_ids = list(Participant.objects.filter(member=member).values_list("conversation_id", flat=True))
    Participant.objects.filter(member=member).delete()
    mine = Conversation.objects.filter(pk__in=conversation_ids)
    mine.filter(
        Q(member_low=member, member_high__isnull=True) | Q(member_high=member, member_low__isnull=True)
    ).delete()
    mine.filter(member_low=member).update(member_low=None)
    mine.filter(member_high=member).update(member_high=None)
    others = Conversation.objects.filter(pk__in=conversation_ids).values_list("member_low_id", "member_high_id")
    _forget_counts_on_commit(*{i for pair in others for i in pair if i})
