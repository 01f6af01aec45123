import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import ArticleEmailDelivery, EmailPreferences, NewsletterSubscription
from articles import emails as article_emails
from articles.services import article_publish
from tests.articles.factories import ArticleFactory, make_publisher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience():
    NewsletterSubscription.objects.create(name="Visitor Val", email="val@example.com", confirmed_at=timezone.now())
    NewsletterSubscription.objects.create(name="Unconfirmed Uma", email="uma@example.com")
    keen = UserFactory(email="keen@example.com")
    EmailPreferences.objects.filter(user=keen).update(new_articles=True)
    UserFactory(email="quiet@example.com")  # new-article emails are off by default
    return keen


def test_publishing_emails_subscribers_and_members_who_asked_once_each(audience, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="Living with a daily tablet")
    with django_capture_on_commit_callbacks(execute=True):
        article_publish(actor=make_publisher(), article=article)

    assert sorted(m.to[0] for m in mail.outbox) == ["keen@example.com", "val@example.com"]
    message = mail.outbox[0]
    assert "Living with a daily tablet" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")

    # A rerun (a retried task, a worker restarted mid-way) sends nothing twice.
    assert article_emails.send_for(article.pk) == {"sent": 0, "already_sent": 2, "failed": 0}
    assert len(mail.outbox) == 2
    assert ArticleEmailDelivery.objects.filter(article=article, sent_at__isnull=False).count() == 2


def test_a_scheduled_article_sends_nothing_before_it_is_visible(audience, django_capture_on_commit_callbacks):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        article_publish(actor=make_publisher(), article=article)
    assert mail.outbox == []
    assert not ArticleEmailDelivery.objects.exists()
