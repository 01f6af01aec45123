"""The visitor page cache: visitors get whole cached pages that still work, members never do."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse

from accounts.models import NewsletterSubscription
from community import services as community_services
from core.page_cache import visitor_page_cache
from tests.articles.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def per_request_values_blanked(response) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", CSRF_FIELD.sub("", response.content.decode()))


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.VISITOR_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def article():
    return PublishedArticleFactory(title="Living well on osimertinib")


def test_a_visitors_second_look_at_an_article_costs_no_query(client, article, django_assert_num_queries):
    first = client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second.status_code == 200
    assert "Living well on osimertinib" in second.content.decode()
    assert per_request_values_blanked(second) == per_request_values_blanked(first)


def test_a_visitors_second_look_at_the_question_list_costs_no_query(client, member, django_assert_num_queries):
    community_services.question_ask(author=member, title="Did anyone else lose their taste for coffee?")
    first = client.get(reverse("question_list"))
    assert "lose their taste for coffee" in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get(reverse("question_list"))
    assert per_request_values_blanked(second) == per_request_values_blanked(first)


def test_a_cached_page_carries_this_requests_nonce(client, article):
    client.get(article.get_absolute_url())
    response = client.get(article.get_absolute_url())
    nonces = set(re.findall(r'nonce="([^"]*)"', response.content.decode()))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]


def test_visitors_get_cached_pages_without_a_cookie_and_the_subscribe_form_works(article):
    Client().get(reverse("home"))  # another visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    for path in (reverse("home"), article.get_absolute_url()):
        page = visitor.get(path)
        assert page.status_code == 200
        assert not page.cookies
        assert "csrfmiddlewaretoken" not in page.content.decode()
    response = visitor.post(reverse("subscribe"), {"name": "Lena", "email": "lena@example.com"})
    assert response.status_code == 302
    assert NewsletterSubscription.objects.filter(email="lena@example.com").exists()


def test_a_page_holding_a_csrf_token_is_never_stored(rf):
    rendered = []

    @visitor_page_cache()
    def view_with_a_form(request):
        rendered.append(1)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    for _ in range(2):
        request = rf.get("/a-form/")
        request.user = AnonymousUser()
        request.session = SessionStore()
        view_with_a_form(request)
    assert len(rendered) == 2


def test_a_member_never_receives_the_visitors_copy(client, member, article):
    client.get(reverse("home"))
    client.force_login(member)
    page = client.get(reverse("home")).content.decode()
    assert "Ada" in page
    assert "Log out" in page


def test_a_visitor_never_receives_a_members_copy(client, member, article):
    client.force_login(member)
    client.get(article.get_absolute_url())
    visitor = Client()
    page = visitor.get(article.get_absolute_url()).content.decode()
    assert "Ada" not in page
    assert "Log in" in page


def test_a_message_for_this_visitor_is_shown_not_a_cached_page(client, member):
    client.get(reverse("home"))
    client.force_login(member)
    response = client.post(reverse("account_logout"), follow=True)
    assert "You have signed out." in response.content.decode()


def test_an_edited_article_reaches_visitors_at_once(client, article, django_capture_on_commit_callbacks):
    client.get(article.get_absolute_url())
    client.get(reverse("article_list"))
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Living well on osimertinib, updated"
        article.save()
    assert "osimertinib, updated" in client.get(article.get_absolute_url()).content.decode()
    assert "osimertinib, updated" in client.get(reverse("article_list")).content.decode()


def test_a_new_comment_updates_the_visitors_comment_count(client, member, article, django_capture_on_commit_callbacks):
    before = client.get(article.get_absolute_url()).content.decode()
    assert "1 comment" not in before
    with django_capture_on_commit_callbacks(execute=True):
        community_services.comment_create(author=member, text="This helped me a lot.", article=article)
    assert "1 comment" in client.get(article.get_absolute_url()).content.decode()


def test_query_strings_the_page_does_not_know_bypass_the_cache(client, article, django_assert_max_num_queries):
    client.get(reverse("article_list"), {"utm_source": "newsletter"})
    with django_assert_max_num_queries(10) as captured:
        client.get(reverse("article_list"), {"utm_source": "newsletter"})
    assert len(captured) > 0


def test_turned_off_with_zero_seconds(client, article, settings, django_assert_max_num_queries):
    settings.VISITOR_PAGE_CACHE_SECONDS = 0
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(20) as captured:
        client.get(article.get_absolute_url())
    assert len(captured) > 0
