"""Cached item HTML (community/fragments.py): what a member sees is what an uncached render shows,
and every change an item's template shows reaches the page at once."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community import fragments, services
from community.models import Answer, Comment, ModerationState, Question, Update
from messaging import unread
from tests.articles.factories import TopicFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(r'nonce="[^"]+"')


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(html: str) -> str:
    """The page without what differs on every request anyway: CSRF tokens and CSP nonces."""
    return NONCE.sub('nonce=""', TOKEN.sub('name="csrfmiddlewaretoken" value=""', html))


def cached_after_fresh(client, url, django_assert_num_queries) -> str:
    """The page rendered fresh, then again from its cached fragments: the same page for one statement
    fewer (an item's row is read again only when its HTML is missing). Returns the cached page."""
    if "_auth_user_id" in client.session:
        # The header's message count is cached per member: read it first so both pages find it there.
        unread.count_for(User.objects.get(pk=client.session["_auth_user_id"]))
    with CaptureQueriesContext(connection) as fresh:
        fresh_html = page(client, url)
    with django_assert_num_queries(len(fresh.captured_queries) - 1):
        cached_html = page(client, url)
    assert without_tokens(cached_html) == without_tokens(fresh_html)
    return cached_html


def fragment_keys() -> list[str]:
    return [key for key in cache._cache if ":fragment:" in key]  # locmem in tests


def hug_pressed(html: str, update) -> str:
    return re.search(r'value="hug"[^>]*aria-pressed="(\w+)"', html.split(f'id="reactions-{update.pk}"')[1]).group(1)


@pytest.fixture
def reader():
    return UserFactory(display_name="Reader")


@pytest.fixture
def busy_feed(reader):
    author = UserFactory(display_name="Maya")
    updates = [UpdateFactory(author=author, text=f"Day {n} after the scan.") for n in range(3)]
    CommentFactory(update=updates[0], text="Thinking of you.")
    return updates


def test_a_page_from_the_cache_is_the_page_rendered_fresh(reader, busy_feed):
    client = signed_in(reader)
    fresh = page(client, "/activities/")
    assert len(fragment_keys()) == 3
    cached = page(client, "/activities/")
    assert without_tokens(cached) == without_tokens(fresh)
    assert "Day 2 after the scan." in cached and "Report" in cached


def test_the_feed_builds_updates_only_for_the_html_it_renders(reader, busy_feed, django_assert_num_queries):
    """The feed reads its page as plain values, enough to know whether each update's HTML is still
    right; whole updates with their authors are read, by id, only for those rendered again."""
    ten_days_ago = timezone.now() - timedelta(days=10)
    Update.objects.update(created_at=ten_days_ago)
    client = signed_in(reader)
    cached_html = cached_after_fresh(client, "/activities/", django_assert_num_queries)
    assert all(f"Day {n} after the scan." in cached_html for n in range(3))


def test_an_update_deleted_while_the_feed_is_read_is_left_out(reader, busy_feed, monkeypatch):
    from community import selectors

    read_page = selectors.feed_page

    def deleted_meanwhile(**kwargs):
        found = read_page(**kwargs)
        Update.objects.filter(pk=busy_feed[1].pk).delete()
        return found

    monkeypatch.setattr(selectors, "feed_page", deleted_meanwhile)
    html = page(signed_in(reader), "/activities/")
    assert "Day 1 after the scan." not in html
    assert "Day 0 after the scan." in html and "Day 2 after the scan." in html


def test_every_form_of_a_cached_item_carries_this_requests_csrf_token(reader, busy_feed):
    page(signed_in(UserFactory()), "/activities/")  # another member fills the cache
    client = signed_in(reader)
    html = page(client, "/activities/")
    assert "__kindred" not in html
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    client.get("/activities/")
    html = page(client, "/activities/")
    token = TOKEN.findall(html)[-1]
    response = client.post(
        reverse("update_react", args=[busy_feed[0].pk]), {"kind": "hug", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert busy_feed[0].reactions.filter(member=reader, kind="hug").exists()


def test_what_changes_on_an_update_shows_at_once(reader, busy_feed):
    client = signed_in(reader)
    update = busy_feed[0]
    page(client, "/activities/")

    services.update_edit(actor=update.author, update=update, text="Edited: the scan was clear.", picture_alt="")
    html = page(client, "/activities/")
    assert "Edited: the scan was clear." in html and "edited</span>" in html

    services.reaction_toggle(member=UserFactory(), update=update, kind="thanks")
    assert 'aria-label="Say thanks: 1"' in page(client, "/activities/")

    services.reaction_toggle(member=reader, update=update, kind="hug")
    html = page(client, "/activities/")
    assert hug_pressed(html, update) == "true"
    assert hug_pressed(page(signed_in(UserFactory()), "/activities/"), update) == "false"

    services.comment_create(author=UserFactory(), text="Sending love.", update=update)
    assert "2 comments" in page(client, "/activities/")

    update.author.display_name = "Maya R."
    update.author.save()
    assert "Maya R." in page(client, "/activities/")

    Update.objects.filter(pk=update.pk).update(created_at=update.created_at - timedelta(days=3))
    assert "3\xa0days ago" in page(client, "/activities/")


def test_the_author_sees_their_own_links_after_others_filled_the_cache(reader, busy_feed):
    page(signed_in(reader), "/activities/")
    html = page(signed_in(busy_feed[0].author), "/activities/")
    assert reverse("update_edit", args=[busy_feed[0].pk]) in html
    assert "Report" not in html


def test_next_links_name_the_page_they_are_on(reader):
    author = UserFactory()
    UpdateFactory.create_batch(25, author=author)
    client = signed_in(reader)
    page(client, "/activities/")
    html = page(client, "/activities/?page=2")
    assert 'value="/activities/?page=2#update-' in html


@pytest.fixture
def question_with_answers():
    asker = UserFactory(display_name="Asker")
    question = QuestionFactory(author=asker, title="What helped with the cough?")
    answers = [AnswerFactory(question=question, text=f"Honey and warm water, try {n}.") for n in range(2)]
    return question, answers


def test_what_changes_on_an_answer_shows_at_once(reader, question_with_answers):
    question, answers = question_with_answers
    client = signed_in(reader)
    url = question.get_absolute_url()
    first = page(client, url)
    assert without_tokens(page(client, url)) == without_tokens(first)

    services.helpful_vote_toggle(member=reader, answer=answers[0])
    html = page(client, url).split(f'id="answer-{answers[0].pk}"')[1]
    assert 'aria-pressed="true">Helpful <span aria-hidden="true">1</span>' in html

    services.comment_create(author=UserFactory(display_name="Sam"), text="Ginger tea too.", answer=answers[0])
    html = page(client, url)
    assert "Ginger tea too." in html and "1 comment<" in html
    comment = answers[0].comments.get()
    services.comment_create(author=UserFactory(), text="Thank you, Sam.", answer=answers[0], parent=comment)
    assert "Thank you, Sam." in page(client, url)

    services.answer_accept(actor=question.author, answer=answers[1])
    assert "Helped the person who asked the most" in page(client, url)

    Answer.objects.filter(pk=answers[0].pk).update(text="Changed by a moderator.")
    assert "Changed by a moderator." in page(client, url)


def test_what_changes_in_a_thread_under_an_answer_shows_at_once(reader, question_with_answers):
    question, answers = question_with_answers
    sam, kit = UserFactory(display_name="Sam"), UserFactory(display_name="Kit")
    comment = services.comment_create(author=sam, text="Ginger tea too.", answer=answers[0])
    reply = services.comment_create(author=kit, text="Thank you, Sam.", answer=answers[0], parent=comment)
    client = signed_in(reader)
    url = question.get_absolute_url()
    assert "Ginger tea too." in page(client, url)

    Comment.objects.filter(pk=comment.pk).update(text="Peppermint tea too.")
    assert "Peppermint tea too." in page(client, url)
    User.objects.filter(pk=kit.pk).update(display_name="Kit B.")
    assert "Kit B." in page(client, url)
    Comment.objects.filter(pk=reply.pk).update(moderation_state=ModerationState.REMOVED)
    html = page(client, url)
    assert "Thank you, Sam." not in html and "Comment removed" in html
    services.member_block(blocker=reader, blocked=sam)
    assert "Peppermint tea too." not in page(client, url)


def test_a_busy_question_builds_comments_only_for_the_answers_it_renders(
    reader, question_with_answers, django_assert_num_queries
):
    """The outline of each thread decides whether an answer's HTML is still right; its comments are
    read as model objects only for answers rendered again. Ten days old, no text on the page
    changes with the clock during the test."""
    question, answers = question_with_answers
    for answer in answers:
        top = CommentFactory(update=None, answer=answer, text="Me too.")
        CommentFactory(update=None, answer=answer, parent=top, text="Same here.")
    ten_days_ago = timezone.now() - timedelta(days=10)
    for model in (Question, Answer, Comment):
        model.objects.update(created_at=ten_days_ago)
    client = signed_in(reader)
    url = question.get_absolute_url()
    page(client, url)
    cache.delete_many([key.removeprefix(cache.make_key("")) for key in fragment_keys()])
    cached_html = cached_after_fresh(client, url, django_assert_num_queries)
    assert cached_html.count("Same here.") == 2


def test_only_the_asker_is_offered_to_accept_an_answer(reader, question_with_answers):
    question, _ = question_with_answers
    page(signed_in(reader), question.get_absolute_url())
    assert "This helped me most" in page(signed_in(question.author), question.get_absolute_url())
    assert "This helped me most" not in page(signed_in(reader), question.get_absolute_url())


def question_row(html: str, question) -> str:
    start = html.index(f'href="{question.get_absolute_url()}"')
    return html[start : html.index("</li>", start)]


def test_what_changes_on_a_question_row_shows_at_once(reader):
    topic = TopicFactory(name="Side effects", slug="side-effects")
    question = QuestionFactory(author=UserFactory(display_name="Rosa"), title="Who else has a rash?", topic=topic)
    client = signed_in(reader)
    first = page(client, "/questions/")
    assert "fragment:question:" in " ".join(fragment_keys())
    assert without_tokens(page(client, "/questions/")) == without_tokens(first)
    assert "by Rosa" in question_row(first, question)

    services.answer_create(author=UserFactory(), question=question, text="Yes, a cream helped me.")
    assert "1 answer<" in question_row(page(client, "/questions/"), question)

    Question.objects.filter(pk=question.pk).update(title="Who else has a rash on erlotinib?")
    question.refresh_from_db()
    assert "Who else has a rash on erlotinib?" in page(client, "/questions/")

    question.author.display_name = "Rosa M."
    question.author.save()
    assert "by Rosa M." in question_row(page(client, "/questions/"), question)

    Question.objects.filter(pk=question.pk).update(is_anonymous=True)
    row = question_row(page(client, "/questions/"), question)
    assert "by A Kindred member" in row and "Rosa" not in row

    topic.name = "Skin and nails"
    topic.save()
    assert "Skin and nails" in question_row(page(client, "/questions/"), question)
    assert "?tab=most_helpful&amp;topic=side-effects" in page(client, "/questions/?tab=most_helpful")

    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert "asked 3\xa0days ago" in question_row(page(client, "/questions/"), question)


def test_the_question_list_builds_questions_only_for_the_rows_it_renders(reader, django_assert_num_queries):
    for n in range(3):
        QuestionFactory(title=f"Question number {n} about scans?")
    Question.objects.update(created_at=timezone.now() - timedelta(days=10))  # no age text changes meanwhile
    client = signed_in(reader)
    page(client, "/questions/")  # the topic filter's list is cached too
    cache.delete_many([key.removeprefix(cache.make_key("")) for key in fragment_keys()])
    cached_html = cached_after_fresh(client, "/questions/", django_assert_num_queries)
    assert all(f"Question number {n} about scans?" in cached_html for n in range(3))


def test_visitors_never_receive_a_members_question_row(reader, settings):
    # The visitors' page cache would hide a second render: the row's own cache is what is tested here.
    settings.VISITOR_PAGE_CACHE_SECONDS = 0
    question = QuestionFactory(author=UserFactory(display_name="Rosa"))
    assert "by Rosa" in question_row(page(signed_in(reader), "/questions/"), question)
    html = page(Client(), "/questions/")
    assert question.title in html and "Rosa" not in html
    assert "by Rosa" in question_row(page(signed_in(reader), "/questions/"), question)


def test_cached_pages_run_no_more_queries_than_fresh_ones(reader, busy_feed, django_assert_max_num_queries):
    client = signed_in(reader)
    page(client, "/activities/")
    cache.clear()
    with django_assert_max_num_queries(20) as fresh:
        page(client, "/activities/")
    with django_assert_max_num_queries(len(fresh.captured_queries)):
        page(client, "/activities/")


def test_a_template_edited_under_the_development_server_starts_new_keys(settings, tmp_path):
    template = tmp_path / "item.html"
    template.write_text("<p>One</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    settings.DEBUG = True
    before = fragments.templates_version()
    template.write_text("<p>Two</p>")
    assert fragments.templates_version() != before


def test_an_age_step_never_spans_two_age_texts():
    """The fingerprint holds `age_step` instead of the "3 days ago" text: two moments in one step
    must show the same text, or a cached item would keep an old one. Checked over ages from seconds
    to years, creation times with microseconds, at month ends and across a leap day."""
    import random
    from contextlib import contextmanager
    from datetime import UTC, datetime
    from unittest import mock

    from django.contrib.humanize.templatetags import humanize
    from django.utils.timesince import timesince

    @contextmanager
    def at(moment):
        class Frozen(datetime):
            @classmethod
            def now(cls, tz=None):
                return moment

        with (
            mock.patch("django.utils.timezone.now", return_value=moment),
            mock.patch.object(humanize, "datetime", Frozen),
        ):
            yield

    def texts(created_at, moment):
        with at(moment):
            return fragments.age_step(created_at), timesince(created_at, moment), humanize.naturaltime(created_at)

    rng = random.Random(13)  # noqa: S311 (sample ages, not secrets)
    starts = [datetime(2024, 1, 31, 23, 59, 59, 999_999, tzinfo=UTC), datetime(2024, 2, 29, 12, tzinfo=UTC)]
    starts += [datetime(2023, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.uniform(0, 3 * 365 * 86400)) for _ in range(60)]
    compared = 0
    for created_at in starts:
        for _ in range(40):
            scale = rng.choice([59, 3_600, 86_400, 7 * 86_400, 400 * 86_400])
            first = created_at + timedelta(seconds=scale * rng.random() * 3)
            later = first + timedelta(seconds=rng.choice([1, 59, 3_599, 86_399]) * rng.random())
            step, *shown = texts(created_at, first)
            later_step, *later_shown = texts(created_at, later)
            if later_step == step:
                assert later_shown == shown, (created_at, first, later)
                compared += 1
    assert compared > 1000
