"""Messages and inbox rows through community's fragment cache (community/fragments.py): a long
conversation or a full inbox costs one cache read instead of fifty renderings. Each fingerprint
names everything its template shows."""

from community.fragments import Kind, age_step


def _message(message, context) -> tuple:
    viewer_pk = context["user"].pk
    conversation, other, place = context["conversation"], context["other"], context["place"]
    return (
        message.pk,
        message.author_id == viewer_pk,
        message.text,
        message.created_at,
        message.edited_at,
        message.deleted_at,
        message.moderation_state,
        message.links_held and place.state != "accepted",
        message.created_at > context["edit_after"],
        getattr(message, "team_author_name", ""),
        (other.pk, other.display_name) if other else None,
        conversation.with_moderators,
        conversation.member_low_id,
        context["request"].path,
    )


def _row(place, context) -> tuple:
    other = place.other
    return (
        place.conversation_id,
        place.unread,
        (other.pk, other.display_name, str(other.profile.avatar)) if other else None,
        place.conversation.with_moderators,
        place.last_start,
        place.last_author_id == context["user"].pk,
        place.last_deleted_at is not None,
        place.last_state,
        place.conversation.last_message_at,
        age_step(place.conversation.last_message_at),
    )


MESSAGE = Kind(template_name="messaging/_message.html", variable="message", fingerprint=_message)
ROW = Kind(template_name="messaging/_row.html", variable="place", fingerprint=_row)
