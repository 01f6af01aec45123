"""Questions and answers: what visitors may see, what members do, and the asker's choice."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Answer, Comment, HelpfulVote, Question
from community.selectors import ANSWERS_PER_PAGE, COMMENTS_SHOWN
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory

pytestmark = pytest.mark.django_db

JOIN = "This part of Kindred is for members"
VERIFY = "Please confirm your email address"


@pytest.fixture
def question(other_member, third_member):
    question = QuestionFactory(
        author=other_member,
        title="Does the fatigue from immunotherapy ever ease?",
        details="Secret details about my treatment",
    )
    answer = AnswerFactory(question=question, author=third_member, text="An answer only members read")
    CommentFactory(update=None, answer=answer, author=other_member, text="A comment on the answer")
    return question


# Visitors


def test_visitors_see_titles_and_counts_but_no_names(client, question):
    page = client.get(reverse("question_list")).content.decode()
    assert "Does the fatigue from immunotherapy ever ease?" in page
    assert "1 answer" in page
    assert "Ben" not in page and "Cara" not in page


def test_visitors_see_the_title_and_count_on_the_question_page_only(client, question):
    response = client.get(question.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Does the fatigue from immunotherapy ever ease?" in page and "1 answer" in page
    assert "A Kindred member" in page
    for private in ("Secret details", "An answer only members read", "A comment on the answer", "Ben", "Cara"):
        assert private not in page, private
    assert "Join to read and answer" in page


def test_visitors_cannot_answer_ask_or_vote(client, question):
    answer = question.answers.get()
    response = client.post(question.get_absolute_url(), {"text": "Spam answer"})
    assert response.status_code == 200 and JOIN in response.content.decode()
    for url in (
        reverse("question_ask"),
        reverse("answer_helpful", args=[question.pk, answer.pk]),
        reverse("answer_accept", args=[question.pk, answer.pk]),
        reverse("answer_comment", args=[question.pk, answer.pk]),
    ):
        response = client.post(url, {"title": "A long enough spam title here?", "text": "Spam"})
        assert response.status_code == 200 and JOIN in response.content.decode(), url
    assert client.get(reverse("question_ask")).content.decode().count(JOIN) == 1
    assert client.get(reverse("question_similar"), {"title": "fatigue immunotherapy"}).status_code == 200
    assert Question.objects.count() == 1 and Answer.objects.count() == 1
    assert not HelpfulVote.objects.exists() and Comment.objects.count() == 1


# Unverified members


def test_unverified_members_see_titles_and_are_shown_how_to_verify(client, unverified, question):
    client.force_login(unverified)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Does the fatigue from immunotherapy ever ease?" in page
    assert "Secret details" not in page and "An answer only members read" not in page
    response = client.get(reverse("question_ask"))
    assert response.status_code == 403 and VERIFY in response.content.decode()
    response = client.post(reverse("question_ask"), {"title": "Can I ask before verifying my email?"})
    assert response.status_code == 403
    response = client.post(question.get_absolute_url(), {"text": "Unverified answer"})
    assert response.status_code == 403 and VERIFY in response.content.decode()
    answer = question.answers.get()
    response = client.post(reverse("answer_helpful", args=[question.pk, answer.pk]))
    assert response.status_code == 403 and VERIFY in response.content.decode()
    assert Question.objects.count() == 1 and Answer.objects.count() == 1 and not HelpfulVote.objects.exists()


# Members


def test_members_read_details_answers_and_comments(member_client, question):
    page = member_client.get(question.get_absolute_url()).content.decode()
    for text in ("Secret details", "An answer only members read", "A comment on the answer", "Ben", "Cara"):
        assert text in page, text


def test_the_list_shows_author_names_and_answer_counts_to_members(member_client, question):
    QuestionFactory(title="A question that nobody has answered yet?")
    AnswerFactory(question=question)
    AnswerFactory(question=question)
    page = member_client.get(reverse("question_list")).content.decode()
    assert "by Ben" in page and "3 answers" in page and "0 answers" in page


def test_anonymous_questions_hide_the_author_from_members_too(client, member, other_member):
    question = services.question_ask(
        author=other_member, title="Is it normal to feel angry after diagnosis?", is_anonymous=True
    )
    client.force_login(member)
    for url in (reverse("question_list"), question.get_absolute_url()):
        # The per-request nonce is random letters and may spell "Ben" by chance.
        page = re.sub(r'nonce="[^"]*"', "", client.get(url).content.decode())
        assert "A Kindred member" in page and "Ben" not in page, url


def test_list_tabs_and_topic_filter(member_client):
    from tests.articles.factories import TopicFactory

    topic = TopicFactory(name="EGFR", slug="egfr")
    answered = QuestionFactory(title="Which questions did you ask about EGFR?", topic=topic)
    unanswered = QuestionFactory(title="Anyone started a new trial this year?")
    AnswerFactory(question=answered)
    services.helpful_vote_toggle(member=answered.author, answer=answered.answers.get())
    page = member_client.get(reverse("question_list"), {"tab": "unanswered"}).content.decode()
    assert unanswered.title in page and answered.title not in page
    page = member_client.get(reverse("question_list"), {"tab": "most_helpful"}).content.decode()
    assert page.index(answered.title) < page.index(unanswered.title)
    page = member_client.get(reverse("question_list"), {"topic": "egfr"}).content.decode()
    assert answered.title in page and unanswered.title not in page
    for params in ({"tab": "nonsense"}, {"topic": "no-such-topic"}, {"page": "x"}, {"page": "1000"}):
        assert member_client.get(reverse("question_list"), params).status_code == 200


def test_the_topic_filter_comes_from_the_cache_and_follows_staff_edits_at_once(member_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.articles.factories import TopicFactory

    def options() -> list[str]:
        page = member_client.get(reverse("question_list")).content.decode()
        return re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', page)

    TopicFactory(name="EGFR", slug="egfr")
    options()  # fills the cache
    with CaptureQueriesContext(connection) as context:
        assert options() == [("egfr", "EGFR")]
    assert not [q for q in context.captured_queries if 'FROM "articles_topic" ORDER BY' in q["sql"]]

    radiotherapy = TopicFactory(name="Radiotherapy", slug="radiotherapy")
    assert options() == [("egfr", "EGFR"), ("radiotherapy", "Radiotherapy")]
    radiotherapy.name = "Radiation therapy"
    radiotherapy.save()
    assert ("radiotherapy", "Radiation therapy") in options()
    radiotherapy.delete()
    assert options() == [("egfr", "EGFR")]


def test_a_member_asks_a_question(member_client, member):
    response = member_client.post(
        reverse("question_ask"),
        {"title": "  How do you   explain  scans to children?  ", "details": "My son is 8."},
    )
    question = Question.objects.get()
    assert response.status_code == 302 and response.url == question.get_absolute_url()
    assert question.title == "How do you explain scans to children?" and question.author == member


@pytest.mark.parametrize("title", ["", "Too short?", "x" * 201])
def test_a_bad_title_is_refused_and_the_details_kept(member_client, title):
    response = member_client.post(reverse("question_ask"), {"title": title, "details": "My careful details"})
    assert response.status_code == 400
    assert "My careful details" in response.content.decode()
    assert not Question.objects.exists()


def test_a_question_too_soon_keeps_what_was_written(member_client, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    member_client.post(reverse("question_ask"), {"title": "The first question I asked today?"})
    response = member_client.post(
        reverse("question_ask"), {"title": "The second question I asked today?", "details": "Keep me"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Please wait 15 seconds" in page
    assert "The second question I asked today?" in page and "Keep me" in page


def test_similar_questions_are_suggested(member_client, question):
    response = member_client.get(reverse("question_similar"), {"title": "fatigue from immunotherapy"})
    assert response.status_code == 200
    assert "Does the fatigue from immunotherapy ever ease?" in response.content.decode()
    response = member_client.get(reverse("question_similar"), {"title": "xyz"})
    assert response.status_code == 200 and "may already have your answer" not in response.content.decode()
    assert member_client.get(reverse("question_similar")).status_code == 200
    assert member_client.post(reverse("question_similar")).status_code == 405


def test_a_member_answers_and_the_count_follows(member_client, member, question):
    response = member_client.post(question.get_absolute_url(), {"text": "Mine eased after two months."})
    answer = Answer.objects.get(author=member)
    assert response.status_code == 302 and response.url.endswith(f"#answer-{answer.pk}")
    question.refresh_from_db()
    assert question.answer_count == 2
    assert "2 answers" in member_client.get(question.get_absolute_url()).content.decode()


def test_the_follow_button_says_whether_this_member_follows_the_question(member_client, question, third_member):
    from django.test import Client

    def button(client) -> tuple[str, str]:
        page = client.get(question.get_absolute_url()).content.decode()
        return re.search(r'aria-pressed="(\w+)">([^<]+)<', page).groups()

    assert button(member_client) == ("false", "Follow: get new answers in my digest")
    member_client.post(reverse("question_follow", args=[question.pk]))
    assert button(member_client) == ("true", "Following: stop")
    someone_else = Client()
    someone_else.force_login(third_member)
    assert button(someone_else)[0] == "false"
    member_client.post(reverse("question_follow", args=[question.pk]))
    assert button(member_client) == ("false", "Follow: get new answers in my digest")


def test_an_empty_answer_is_refused(member_client, question):
    response = member_client.post(question.get_absolute_url(), {"text": "   "})
    assert response.status_code == 400 and "An answer needs some text." in response.content.decode()


def test_a_failed_answer_keeps_its_text(member_client, question, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    member_client.post(question.get_absolute_url(), {"text": "First answer"})
    response = member_client.post(question.get_absolute_url(), {"text": "A long second answer to keep"})
    assert response.status_code == 400
    assert "A long second answer to keep" in response.content.decode()


def test_helpful_votes_toggle_and_show(member_client, member, question):
    answer = question.answers.get()
    url = reverse("answer_helpful", args=[question.pk, answer.pk])
    response = member_client.post(url)
    assert response.status_code == 302 and response.url.endswith(f"#answer-{answer.pk}")
    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.helpful_count == 1 and question.helpful_count == 1
    page = member_client.get(question.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page and "(1 so far)" in page
    member_client.post(url)
    answer.refresh_from_db()
    assert answer.helpful_count == 0 and not HelpfulVote.objects.exists()


def test_no_helpful_vote_on_your_own_answer_in_the_page(client, third_member, question):
    answer = question.answers.get()
    client.force_login(third_member)
    page = client.get(question.get_absolute_url()).content.decode()
    assert reverse("answer_helpful", args=[question.pk, answer.pk]) not in page
    response = client.post(reverse("answer_helpful", args=[question.pk, answer.pk]), follow=True)
    assert "You cannot mark your own answer as helpful." in response.content.decode()
    answer.refresh_from_db()
    assert answer.helpful_count == 0


def test_the_asker_chooses_an_answer_and_it_is_shown_first(client, member, other_member, question):
    first = question.answers.get()
    second = AnswerFactory(question=question, author=member, text="The answer that helped most")
    accept_second = reverse("answer_accept", args=[question.pk, second.pk])

    client.force_login(member)
    assert accept_second not in client.get(question.get_absolute_url()).content.decode()
    assert client.post(accept_second).status_code == 403

    client.force_login(other_member)
    page = client.get(question.get_absolute_url()).content.decode()
    assert page.index("An answer only members read") < page.index("The answer that helped most")
    assert client.post(accept_second).status_code == 302
    page = client.get(question.get_absolute_url()).content.decode()
    assert page.index("The answer that helped most") < page.index("An answer only members read")
    assert "Helped the person who asked the most" in page

    client.post(reverse("answer_accept", args=[question.pk, first.pk]))
    assert list(Answer.objects.filter(is_accepted=True)) == [first]


def test_comments_on_answers_and_their_errors(member_client, question):
    answer = question.answers.get()
    url = reverse("answer_comment", args=[question.pk, answer.pk])
    response = member_client.post(url, {"text": "Me too"})
    assert response.status_code == 302 and question.get_absolute_url() in response.url
    answer.refresh_from_db()
    assert answer.comment_count == 2
    response = member_client.post(url, {"text": "Kept text", "parent": "12345"})
    assert response.status_code == 400 and "Kept text" in response.content.decode()
    response = member_client.post(url, {"text": ""})
    assert response.status_code == 400


def test_blocked_members_cannot_answer_or_see_the_blockers_answers(client, member, third_member, question):
    services.member_block(blocker=third_member, blocked=member)
    client.force_login(member)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "An answer only members read" not in page
    answer = question.answers.get()
    response = client.post(reverse("answer_comment", args=[question.pk, answer.pk]), {"text": "Hi"})
    assert response.status_code == 403
    own = QuestionFactory(author=third_member)
    assert client.post(own.get_absolute_url(), {"text": "Let me answer"}).status_code == 404
    assert not Answer.objects.filter(author=member).exists()


def test_a_blocked_member_does_not_see_the_blockers_questions(client, member, other_member, question):
    client.force_login(member)
    assert question.title in client.get(reverse("question_list")).content.decode()
    services.member_block(blocker=other_member, blocked=member)
    assert question.title not in client.get(reverse("question_list")).content.decode()
    assert client.get(question.get_absolute_url()).status_code == 404
    assert client.post(question.get_absolute_url(), {"text": "Let me answer"}).status_code == 404
    # Visitors and everyone else still see it.
    client.logout()
    assert question.title in client.get(reverse("question_list")).content.decode()


# Malformed input


def test_question_urls_are_forgiving(member_client, question):
    answer = question.answers.get()
    assert member_client.get(reverse("question_detail_short", args=[question.pk])).status_code == 301
    wrong_slug = reverse("question_detail", args=[question.pk, "wrong-slug"])
    response = member_client.get(wrong_slug)
    assert response.status_code == 301 and response.url == question.get_absolute_url()
    assert member_client.get(reverse("question_detail", args=[999999, "x"])).status_code == 404
    assert member_client.get("/questions/99999999999999999999999/x/").status_code == 404
    other = QuestionFactory()
    for name in ("answer_helpful", "answer_accept", "answer_comment"):
        assert member_client.post(reverse(name, args=[question.pk, 999999]), {"text": "x"}).status_code == 404
        # An answer addressed through the wrong question is not found.
        assert member_client.post(reverse(name, args=[other.pk, answer.pk]), {"text": "x"}).status_code == 404
        assert member_client.get(reverse(name, args=[question.pk, answer.pk])).status_code == 405


def test_garbage_posts_to_questions_are_not_errors(member_client, question):
    for data in ({}, {"title": ["a", "b"], "topic": "not-an-id", "is_anonymous": "maybe"}, {"topic": "999999"}):
        assert member_client.post(reverse("question_ask"), data).status_code == 400, data
        assert member_client.post(question.get_absolute_url(), data).status_code == 400, data


# A busy question


def test_a_busy_question_shows_its_answers_a_page_at_a_time(member_client, question, other_member):
    for n in range(ANSWERS_PER_PAGE + 5):
        AnswerFactory(question=question, author=other_member, text=f"Answer number {n:02d}.")
    url = question.get_absolute_url()
    first = member_client.get(url).content.decode()
    second = member_client.get(url, {"page": "2"}).content.decode()
    shown_first = set(re.findall(r"Answer number \d\d\.", first))
    shown_second = set(re.findall(r"Answer number \d\d\.", second))
    assert len(shown_first) + ("An answer only members read" in first) == ANSWERS_PER_PAGE
    assert "Next page" in first and "Previous page" in second
    assert shown_first.isdisjoint(shown_second)
    assert len(shown_first | shown_second) == ANSWERS_PER_PAGE + 5


def test_a_long_comment_thread_shows_its_start_and_a_link_to_the_rest(member_client, question, other_member):
    answer = question.answers.get()
    for n in range(8):
        services.comment_create(author=other_member, text=f"Thread comment {n}.", answer=answer)
    page = member_client.get(question.get_absolute_url()).content.decode()
    assert COMMENTS_SHOWN == 3
    assert "A comment on the answer" in page and "Thread comment 1." in page
    assert "Thread comment 2." not in page
    assert "Show all 9 comments on this answer" in page

    whole = member_client.get(question.get_absolute_url(), {"comments": str(answer.pk)}).content.decode()
    assert all(f"Thread comment {n}." in whole for n in range(8))
    assert "Show all" not in whole
    # Nonsense in the parameter is ignored, never an error.
    for value in ("abc", "²", "9" * 40, "-1"):
        assert member_client.get(question.get_absolute_url(), {"comments": value}).status_code == 200


def test_unanswered_questions_come_oldest_first_at_show_unanswered(client):
    older = QuestionFactory(title="Waiting the longest for an answer")
    newer = QuestionFactory(title="Asked only this morning")
    answered = QuestionFactory(title="Already answered, thank you")
    AnswerFactory(question=answered)
    type(older).objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    page = client.get("/questions/?show=unanswered").content.decode()
    assert answered.title not in page
    assert page.index(older.title) < page.index(newer.title)
