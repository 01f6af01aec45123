"""Notifications about community activity: answers, replies and reactions. They know about blocks
and threads, so they live here; accounts writes the notification row and emails it."""

from accounts import services as account_services
from accounts.models import EmailPreferences, Notification, NotificationEmail, User
from community import selectors


def _notify(*, recipient_id, actor: User, kind: str, preference: str, thread_key: str, message: str, url: str):
    if recipient_id is None or recipient_id == actor.pk:
        return None
    if selectors.is_blocked_between(actor, recipient_id):
        return None
    preferences, _ = EmailPreferences.objects.get_or_create(user_id=recipient_id)
    return account_services.notification_create(
        recipient_id=recipient_id,
        kind=kind,
        message=message,
        url=url,
        thread_key=thread_key,
        by_email=getattr(preferences, preference),
    )


def notify_answer(*, answer) -> Notification | None:
    """Tell the asker about a new answer. Only visible answers notify: an answer waiting for a
    moderator notifies when it is approved."""
    if not answer.is_visible:
        return None
    question = answer.question
    return _notify(
        recipient_id=question.author_id,
        actor=answer.author,
        kind=Notification.Kind.ANSWER,
        preference="answers",
        thread_key=f"question:{question.pk}",
        message=f"{answer.author.display_name} answered your question “{question.title}”",
        url=answer.get_absolute_url(),
    )


def notify_reply(*, comment) -> Notification | None:
    """Tell the owner of what was commented on: the comment replied to, or the update or answer."""
    if not comment.is_visible:
        return None
    actor = comment.author
    if comment.parent_id:
        parent = comment.parent
        recipient_id, thread_key = parent.author_id, f"comment:{parent.pk}"
        message = f"{actor.display_name} replied to your comment"
    elif comment.update_id:
        recipient_id, thread_key = comment.update.author_id, f"update:{comment.update_id}"
        message = f"{actor.display_name} commented on your update"
    elif comment.answer_id:
        recipient_id, thread_key = comment.answer.author_id, f"answer:{comment.answer_id}"
        message = f"{actor.display_name} commented on your answer"
    else:
        return None  # a top-level comment under an article has no member owner
    target = comment.target
    return _notify(
        recipient_id=recipient_id,
        actor=actor,
        kind=Notification.Kind.REPLY,
        preference="replies",
        thread_key=thread_key,
        message=message,
        url=f"{target.get_absolute_url()}#comment-{comment.pk}" if target is not None else "",
    )


def notify_reaction(*, update, member) -> Notification | None:
    """Reactions are summarised: one unread notification per update, counting the reactions given
    since it was created, and never emailed."""
    owner_id = update.author_id
    if owner_id == member.pk or selectors.is_blocked_between(member, owner_id):
        return None
    thread_key = f"reactions:update:{update.pk}"
    notification = (
        Notification.objects.select_for_update()
        .filter(recipient_id=owner_id, thread_key=thread_key, read_at__isnull=True)
        .first()
    )
    if notification is None:
        notification = Notification(
            recipient_id=owner_id, kind=Notification.Kind.REACTION, thread_key=thread_key, url=update.get_absolute_url()
        )
        count = 1
    else:
        # The reaction that created the notification came just before it; count it, then the rest.
        count = 1 + selectors.reactions_since(update=update, since=notification.created_at, exclude_member_id=owner_id)
    notification.message = (
        f"{member.display_name} sent support on your update"
        if count == 1
        else f"Your update received {count} new reactions (hugs, likes and thanks)"
    )
    notification.email_status = NotificationEmail.OFF
    notification.save()
    return notification
