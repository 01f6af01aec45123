"""New-article emails to confirmed newsletter subscribers and members who turned them on.

Publishing enqueues `articles.tasks.send_article_emails` on commit. Each message is a bulk email
with one-click unsubscribe headers, recorded in ArticleEmailDelivery before it is sent so that it
goes exactly once."""

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.mail import sending, tokens
from accounts.models import ArticleEmailDelivery, EmailPreferences, NewsletterSubscription
from articles import selectors as article_selectors


def messages_for(article) -> list:
    context = {
        "article_title": article.title,
        "summary": article.summary,
        "url": tokens.absolute(article.get_absolute_url()),
    }
    subject = f"New on {settings.SITE_NAME}: {article.title}"
    messages = []
    subscribers = NewsletterSubscription.objects.filter(
        user__isnull=True, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )
    for subscription in subscribers.iterator():
        messages.append(
            sending.build(
                template="new_article",
                to=subscription.email,
                subject=subject,
                context={**context, "name": subscription.name},
                unsubscribe_token=tokens.subscription_unsubscribe_token(subscription),
            )
        )
    verified = EmailAddress.objects.filter(user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True)
    members = (
        EmailPreferences.objects.filter(new_articles=True, user__is_active=True, user__banned_at__isnull=True)
        .filter(Exists(verified))
        .select_related("user")
    )
    for preferences in members.iterator():
        member = preferences.user
        if preferences.is_bouncing(member.email):
            continue
        messages.append(
            sending.build(
                template="new_article",
                to=member.email,
                subject=subject,
                context={**context, "name": member.display_name},
                unsubscribe_token=tokens.member_unsubscribe_token(member, tokens.LIST_ARTICLES),
            )
        )
    return messages


logger = logging.getLogger(__name__)


def send_for(article_id: int) -> dict[str, int]:
    """Send the new-article email for a published article to everyone who wants it, once each.
    An article not public yet (scheduled) sends nothing here: members' digests will carry it."""
    article = article_selectors.published_articles().filter(pk=article_id).first()
    counts = {"sent": 0, "already_sent": 0, "failed": 0}
    if article is None:
        return counts
    for message in messages_for(article):
        address = message.to[0].lower()
        try:
            with transaction.atomic():
                delivery, _ = ArticleEmailDelivery.objects.get_or_create(article=article, email=address)
        except IntegrityError:
            delivery = ArticleEmailDelivery.objects.get(article=article, email=address)
        if delivery.sent_at:
            counts["already_sent"] += 1
            continue
        try:
            sending.send(message)
        except Exception as error:  # one bad address must not stop the others; it is recorded
            logger.warning("New-article email to %s failed: %s", address, error)
            ArticleEmailDelivery.objects.filter(pk=delivery.pk).update(failure=str(error)[:300])
            counts["failed"] += 1
            continue
        ArticleEmailDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), failure="")
        counts["sent"] += 1
    return counts
