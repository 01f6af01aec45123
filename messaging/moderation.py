"""Private messages as a kind moderation knows (registered in MessagingConfig.ready). Moderators
see a message only once one of the two members has reported it, with the five messages before it
as the reporter saw them; nothing here lists a conversation nobody reported."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.models import User
from community.models import ModerationState
from community.moderation.kinds import ModeratedKind
from messaging.models import Message

CONTEXT_MESSAGES = 5


def reportable(viewer: User) -> QuerySet:
    """Messages the viewer received in a conversation they still see; not a moderator's answer in
    a conversation with the moderation team (the moderators would be judging themselves)."""
    return (
        Message.objects.filter(
            conversation__participants__member_id=viewer.pk,
            conversation__participants__hidden_at__isnull=True,
            conversation__with_moderators=False,
            deleted_at__isnull=True,
            moderation_state=ModerationState.VISIBLE,
        )
        .exclude(author_id=viewer.pk)
        .select_related("author")
    )


def evidence(message: Message) -> list[dict]:
    """The reported message and the five before it, as they read when reported."""
    before = list(
        Message.objects.filter(conversation_id=message.conversation_id, created_at__lte=message.created_at)
        .exclude(pk=message.pk)
        .exclude(created_at=message.created_at, id__gt=message.pk)
        .select_related("author")
        .order_by("-created_at", "-id")[:CONTEXT_MESSAGES]
    )
    return [
        {
            "who": row.author.display_name,
            "text": "" if row.is_deleted else row.text,
            "deleted": row.is_deleted,
            "at": date_format(localtime(row.created_at), "j M Y, H:i"),
            "reported": row.pk == message.pk,
        }
        for row in [*reversed(before), message]
    ]


def _url(message: Message) -> str:
    return reverse("conversation_detail", args=[message.conversation_id]) + f"#message-{message.pk}"


MESSAGE_KIND = ModeratedKind(
    name="message",
    model=Message,
    noun="message",
    reportable=reportable,
    queue_items=lambda: Message.objects.all(),
    url=_url,
    evidence=evidence,
    queue_template="messaging/_review_context.html",
    hides_on_reports=False,
    takes_notes=False,
)
