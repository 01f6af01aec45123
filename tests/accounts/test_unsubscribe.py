import pytest
from django.test import Client
from django.urls import reverse

from accounts.mail import tokens
from accounts.models import EmailPreferences, NewsletterSubscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    # No session, and CSRF enforced as a real mail client would meet it.
    return Client(enforce_csrf_checks=True)


def test_one_click_post_stops_the_digest_without_a_session_or_csrf_token(strict_client, member):
    token = tokens.member_unsubscribe_token(member, tokens.LIST_DIGEST)
    response = strict_client.post(
        reverse("unsubscribe", args=[token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert EmailPreferences.objects.get(user=member).digest_frequency == "never"


def test_one_click_post_stops_new_article_emails(strict_client, member):
    EmailPreferences.objects.filter(user=member).update(new_articles=True)
    token = tokens.member_unsubscribe_token(member, tokens.LIST_ARTICLES)
    assert strict_client.post(reverse("unsubscribe", args=[token])).status_code == 200
    assert not EmailPreferences.objects.get(user=member).new_articles


def test_a_newsletter_subscriber_unsubscribes(strict_client):
    subscription = NewsletterSubscription.objects.create(name="Lena", email="lena@example.com")
    token = tokens.subscription_unsubscribe_token(subscription)
    assert strict_client.post(reverse("unsubscribe", args=[token])).status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_get_asks_first_and_changes_nothing(strict_client, member):
    token = tokens.member_unsubscribe_token(member, tokens.LIST_DIGEST)
    page = strict_client.get(reverse("unsubscribe", args=[token]))
    assert page.status_code == 200
    assert 'type="submit"' in page.content.decode()
    assert EmailPreferences.objects.get(user=member).digest_frequency == "weekly"


def test_a_tampered_or_foreign_token_changes_nothing_and_says_so(strict_client, member):
    token = tokens.member_unsubscribe_token(member, tokens.LIST_DIGEST)
    subscription = NewsletterSubscription.objects.create(name="Lena", email="lena@example.com")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    foreign = tokens.confirm_token(subscription)  # signed by us, but for confirming, not unsubscribing
    for bad in (tampered, foreign, "not-a-token"):
        for method in (strict_client.get, strict_client.post):
            response = method(reverse("unsubscribe", args=[bad]))
            assert response.status_code == 400
            assert "not valid" in response.content.decode()
    assert EmailPreferences.objects.get(user=member).digest_frequency == "weekly"
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


def test_a_token_for_one_member_never_touches_another(strict_client, member):
    other = UserFactory()
    strict_client.post(reverse("unsubscribe", args=[tokens.member_unsubscribe_token(member, tokens.LIST_DIGEST)]))
    assert EmailPreferences.objects.get(user=other).digest_frequency == "weekly"


def test_every_new_article_email_carries_one_click_unsubscribe_headers(settings, strict_client):
    from django.utils import timezone

    from articles import emails as article_emails
    from tests.articles.factories import PublishedArticleFactory

    settings.SITE_URL = "https://kindred.example.org"
    NewsletterSubscription.objects.create(name="Lena", email="lena@example.com", confirmed_at=timezone.now())
    NewsletterSubscription.objects.create(name="Unconfirmed", email="later@example.com")
    member = UserFactory()
    EmailPreferences.objects.filter(user=member).update(new_articles=True)
    UserFactory()  # did not ask for them

    messages = article_emails.messages_for(PublishedArticleFactory())

    assert sorted(m.to[0] for m in messages) == sorted(["lena@example.com", member.email])
    for message in messages:
        url = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert url.startswith("https://kindred.example.org/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in message.body and "/settings/email/" in message.body
        assert strict_client.post(url.removeprefix("https://kindred.example.org")).status_code == 200
    assert not EmailPreferences.objects.get(user=member).new_articles
    assert NewsletterSubscription.objects.get(email="lena@example.com").unsubscribed_at is not None
