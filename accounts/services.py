"""Writes to members' data. Each function checks who is acting and changes data in one transaction."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import tokens
from accounts.forms import ProfileForm
from accounts.images import reencode_picture
from accounts.models import (
    DigestFrequency,
    EmailPreferences,
    NewsletterSubscription,
    Notification,
    NotificationEmail,
    Profile,
    User,
)
from community import selectors as community_selectors


def profile_update(*, actor: User, profile: Profile, form: ProfileForm) -> Profile:
    if actor.pk != profile.user_id:
        raise PermissionDenied("Members can only change their own profile.")
    with transaction.atomic():
        # The bound form has already put the new upload on the instance: ask the database.
        old_avatar = Profile.objects.select_for_update().values_list("avatar", flat=True).get(pk=profile.pk)
        profile = form.save(commit=False)
        new_upload = "avatar" in form.changed_data and form.cleaned_data.get("avatar")
        if new_upload:
            encoded = reencode_picture(upload=new_upload, max_side=settings.AVATAR_SIZE)
            profile.avatar.save(encoded.name, encoded, save=False)
        profile.save()
        form.save_m2m()
        actor.display_name = form.cleaned_data["display_name"]
        actor.save(update_fields=["display_name"])
        new_avatar = profile.avatar.name if profile.avatar else ""
        if old_avatar and old_avatar != new_avatar:
            transaction.on_commit(lambda: default_storage.delete(old_avatar))
    return profile


def notification_send(*, recipient: User, kind: str, message: str, url: str = "") -> Notification:
    return Notification.objects.create(recipient=recipient, kind=kind, message=message[:500], url=url)


def notifications_mark_read(*, member: User, notification_ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# Email preferences


def email_preferences_for(member: User) -> EmailPreferences:
    """The member's preferences, made with the defaults the first time they are needed."""
    preferences, _ = EmailPreferences.objects.get_or_create(user=member)
    return preferences


def email_preferences_update(*, actor: User, form) -> EmailPreferences:
    if actor.pk != form.instance.user_id:
        raise PermissionDenied("Members can only change their own email preferences.")
    with transaction.atomic():
        return form.save()


def email_bounce_clear(*, member: User) -> None:
    """The member changed or re-verified their address: mail may go to it again."""
    EmailPreferences.objects.filter(user=member).exclude(bounced_email="").update(
        bounced_email="", bounced_at=None, bounce_reason=""
    )


# Newsletter subscriptions (double opt-in)

CONFIRMATION_RESEND_INTERVAL = timedelta(minutes=10)


def subscription_request(*, name: str, email: str) -> None:
    """Ask for new articles by email. The caller always answers the same way, whatever happened
    here, so the page never tells whether an address is known."""
    from accounts import tasks

    email = User.objects.normalize_email(email.strip()).lower()
    name = " ".join(name.split())[:100]
    now = timezone.now()
    with transaction.atomic():
        subscription = NewsletterSubscription.objects.select_for_update().filter(email=email).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = NewsletterSubscription.objects.create(name=name, email=email)
            except IntegrityError:  # someone else subscribed the same address a moment ago
                return
        if subscription.is_active:
            return
        sent = subscription.confirmation_sent_at
        if sent and sent > now - CONFIRMATION_RESEND_INTERVAL:
            return  # one confirmation email per address every few minutes, however often the form is sent
        subscription.name = name or subscription.name
        subscription.user = User.objects.filter(email__iexact=email).first()
        subscription.confirmation_sent_at = now
        subscription.save()
        subscription_id = subscription.pk
        transaction.on_commit(lambda: tasks.send_subscription_confirmation.enqueue(subscription_id))


def subscription_confirm(*, token: str) -> NewsletterSubscription | None:
    data = tokens.read_confirm_token(token)
    if data is None:
        return None
    with transaction.atomic():
        subscription = NewsletterSubscription.objects.select_for_update().filter(pk=data["s"], email=data["e"]).first()
        if subscription is None:
            return None
        if not subscription.is_active:
            subscription.confirmed_at = timezone.now()
            subscription.unsubscribed_at = None
            subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
        if subscription.user_id:
            EmailPreferences.objects.update_or_create(user_id=subscription.user_id, defaults={"new_articles": True})
    return subscription


def subscription_join_account(*, member: User) -> None:
    """A subscriber signed up with the same address: the subscription becomes the member's, and a
    confirmed one carries over as the member's new-article preference."""
    with transaction.atomic():
        subscription = NewsletterSubscription.objects.select_for_update().filter(email=member.email.lower()).first()
        if subscription is None:
            return
        subscription.user = member
        subscription.save(update_fields=["user"])
        if subscription.is_active:
            EmailPreferences.objects.update_or_create(user=member, defaults={"new_articles": True})


def unsubscribe(*, token: str) -> str | None:
    """Stop what the link in a bulk email was for. Returns what stopped, or None when the token is
    not one of ours (nothing changes then)."""
    data = tokens.read_unsubscribe_token(token)
    if data is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        if "s" in data:
            subscription = NewsletterSubscription.objects.filter(pk=data["s"], email=data["e"]).first()
            if subscription is None:
                return None
            if subscription.unsubscribed_at is None:
                subscription.unsubscribed_at = now
                subscription.save(update_fields=["unsubscribed_at"])
            if subscription.user_id:
                EmailPreferences.objects.filter(user_id=subscription.user_id).update(new_articles=False)
            return "new articles by email"
        member = User.objects.filter(pk=data["m"]).first()
        if member is None:
            return None
        preferences = email_preferences_for(member)
        if data["l"] == tokens.LIST_DIGEST:
            preferences.digest_frequency = DigestFrequency.NEVER
            what = "the digest"
        else:
            preferences.new_articles = False
            NewsletterSubscription.objects.filter(user=member, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
            what = "new articles by email"
        preferences.save()
        return what


# Notifications by email


def _notify(*, recipient_id, actor: User, kind: str, preference: str, thread_key: str, message: str, url: str):
    from accounts import tasks

    if recipient_id is None or recipient_id == actor.pk:
        return None
    if community_selectors.is_blocked_between(actor.pk, recipient_id):
        return None
    preferences, _ = EmailPreferences.objects.get_or_create(user_id=recipient_id)
    wants_email = getattr(preferences, preference)
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        message=message[:500],
        url=url,
        thread_key=thread_key,
        email_status=NotificationEmail.PENDING if wants_email else NotificationEmail.OFF,
    )
    if wants_email:
        transaction.on_commit(lambda: tasks.send_notification_emails.enqueue(recipient_id, thread_key))
    return notification


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


def notify_moderation(*, member: User, message: str, url: str = "", thread_key: str) -> Notification:
    """A moderation notice: in the site and always by email, since it is about the member's own
    content or account (the preference cannot be turned off)."""
    from accounts import tasks

    notification = Notification.objects.create(
        recipient=member,
        kind=Notification.Kind.MODERATION,
        message=message[:500],
        url=url,
        thread_key=thread_key,
        email_status=NotificationEmail.PENDING,
    )
    transaction.on_commit(lambda: tasks.send_notification_emails.enqueue(member.pk, thread_key))
    return notification
