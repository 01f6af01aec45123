"""New-article emails to confirmed newsletter subscribers and members who turned them on.

Not yet triggered by publishing and without a per-recipient delivery ledger: see the README's
"not done yet" list. Each message is a bulk email with one-click unsubscribe headers."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Exists, OuterRef

from accounts import emails, tokens
from accounts.models import EmailPreferences, NewsletterSubscription


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
            emails.build(
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
            emails.build(
                template="new_article",
                to=member.email,
                subject=subject,
                context={**context, "name": member.display_name},
                unsubscribe_token=tokens.member_unsubscribe_token(member, tokens.LIST_ARTICLES),
            )
        )
    return messages
