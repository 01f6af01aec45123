import re

import pytest
from allauth.account.signals import user_signed_up
from django.core import mail
from django.urls import reverse

from accounts.mail import subscriptions, tokens
from accounts.models import EmailPreferences, NewsletterSubscription, User
from tests.articles.factories import PublishedArticleFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THANKS = "Thank you for subscribing! Check your inbox to confirm."
LINK = re.compile(r"https?://\S+/subscribe/confirm/\S+/")


def same_page(response) -> str:
    # The CSP nonce is fresh on every response; everything else must match byte for byte.
    return re.sub(r'nonce="[^"]*"', 'nonce=""', response.content.decode())


def subscribe(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("subscribe"), data, follow=True)


def test_subscribing_asks_for_confirmation_and_only_the_link_confirms(client, django_capture_on_commit_callbacks):
    response = subscribe(client, django_capture_on_commit_callbacks, name="Lena", email="Lena@Example.com")

    assert THANKS in response.content.decode()
    subscription = NewsletterSubscription.objects.get()
    assert subscription.email == "lena@example.com"
    assert not subscription.is_active
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lena@example.com"]
    link = LINK.search(message.body).group(0)
    assert link.startswith("http://127.0.0.1:8000/") or link.startswith("https://")
    assert message.alternatives[0].mimetype == "text/html"

    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert page.status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_tampered_confirmation_link_confirms_nothing(client, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks, name="Lena", email="lena@example.com")
    subscription = NewsletterSubscription.objects.get()
    token = tokens.confirm_token(subscription)
    response = client.get(reverse("subscribe_confirm", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    # A token for another purpose (unsubscribing) does not confirm either.
    other = tokens.subscription_unsubscribe_token(subscription)
    assert client.get(reverse("subscribe_confirm", args=[other])).status_code == 400
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_the_answer_is_the_same_for_new_known_and_member_addresses(client, django_capture_on_commit_callbacks):
    UserFactory(email="member@example.com")
    new = subscribe(client, django_capture_on_commit_callbacks, name="A", email="new@example.com")
    subscriptions.subscription_confirm(token=tokens.confirm_token(NewsletterSubscription.objects.get()))
    known = subscribe(client, django_capture_on_commit_callbacks, name="A", email="NEW@example.com")
    member = subscribe(client, django_capture_on_commit_callbacks, name="A", email="member@example.com")

    assert new.status_code == known.status_code == member.status_code == 200
    assert new.redirect_chain == known.redirect_chain == member.redirect_chain
    assert same_page(new) == same_page(known) == same_page(member)
    assert NewsletterSubscription.objects.filter(email="new@example.com").count() == 1
    assert NewsletterSubscription.objects.count() == 2


def test_sending_the_form_again_sends_no_second_email_straight_away(client, django_capture_on_commit_callbacks):
    for _ in range(3):
        subscribe(client, django_capture_on_commit_callbacks, name="A", email="again@example.com")
    assert len(mail.outbox) == 1
    assert NewsletterSubscription.objects.count() == 1


def test_an_invalid_form_is_shown_again_with_errors(client):
    response = client.post(reverse("subscribe"), {"name": "", "email": "not-an-address"})
    assert response.status_code == 400
    assert not NewsletterSubscription.objects.exists()


def test_a_subscriber_who_joins_keeps_the_subscription(client, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks, name="Lena", email="lena@example.com")
    subscriptions.subscription_confirm(token=tokens.confirm_token(NewsletterSubscription.objects.get()))

    user = User.objects.create_user(email="Lena@example.com", display_name="Lena")
    user_signed_up.send(sender=User, request=None, user=user)

    subscription = NewsletterSubscription.objects.get()
    assert subscription.user == user
    assert EmailPreferences.objects.get(user=user).new_articles


def test_joining_through_the_signup_form_links_the_subscription(client, django_capture_on_commit_callbacks, settings):
    from tests.accounts.test_signup import signup

    subscribe(client, django_capture_on_commit_callbacks, name="Nora", email="nora@example.com")
    signup(client, display_name="Nora", email="Nora@Example.com", password1="")
    user = User.objects.get(email="nora@example.com")
    assert NewsletterSubscription.objects.get().user == user
    # Not confirmed yet: the member's new-article preference stays off.
    assert not EmailPreferences.objects.get(user=user).new_articles


def test_the_box_is_on_the_home_page_and_under_articles(client):
    assert "Get new articles by email" in client.get(reverse("home")).content.decode()
    article = PublishedArticleFactory()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Get new articles by email" in page and f'action="{reverse("subscribe")}"' in page


def test_members_are_pointed_to_their_email_preferences_instead_of_the_form(client):
    member = UserFactory()
    client.force_login(member)
    page = client.get(reverse("home")).content.decode()
    assert reverse("email_preferences") in page
    assert 'id="subscribe-email"' not in page


def test_the_confirmation_email_carries_no_words_from_the_form(client, django_capture_on_commit_callbacks):
    # The name field is free text: echoed into the email, it would let anyone send their own words
    # from the site's address to any inbox.
    words = "Claim your prize at prize.example"
    subscribe(client, django_capture_on_commit_callbacks, name=words, email="someone@example.org")

    message = mail.outbox[0]
    assert words not in message.subject
    assert words not in message.body
    assert words not in message.alternatives[0].content
    assert "prize" not in message.body
