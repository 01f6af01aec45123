import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, Visibility
from articles.models import SearchSynonym
from community import search as site_search
from community.models import ModerationState
from tests.articles.factories import PublishedArticleFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def titles(outcome, kind):
    return [r.title for r in outcome.results.get(kind, [])]


def urls(outcome, kind):
    return {r.url for r in outcome.results.get(kind, [])}


def test_visitors_find_articles_but_no_member_content(client):
    PublishedArticleFactory(title="Living with osimertinib", body="Daily tablets and what to expect.")
    QuestionFactory(title="Has anyone taken osimertinib for long?")
    response = client.get(reverse("search"), {"q": "osimertinib"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Living with osimertinib" in page
    assert "Has anyone taken osimertinib" not in page
    assert "Members can also search" in page


def test_all_shows_the_best_few_of_each_kind_and_links_to_the_rest(member_client):
    for n in range(8):
        PublishedArticleFactory(title=f"Radiotherapy, part {n}", body="What the sessions are like.")
    QuestionFactory(title="Radiotherapy and tiredness?")
    summary = member_client.get(reverse("search"), {"q": "radiotherapy"}).content.decode()
    assert summary.count("Radiotherapy, part") == site_search.RESULTS_IN_ALL
    assert 'href="?q=radiotherapy&amp;kind=articles">See more articles</a>' in summary
    assert "See more questions" not in summary  # one question: all of it is shown
    tab = member_client.get(reverse("search"), {"q": "radiotherapy", "kind": "articles"}).content.decode()
    assert tab.count("Radiotherapy, part") == 8
    assert "See more" not in tab


def test_members_find_questions_answers_updates_comments_and_members(member):
    question = QuestionFactory(title="Tiredness after radiotherapy sessions?")
    AnswerFactory(question=question, text="Radiotherapy tiredness lifted for me after a month.")
    UpdateFactory(text="Radiotherapy week three done.")
    CommentFactory(update=UpdateFactory(text="Scan day"), text="Radiotherapy made me sleepy too.")
    UserFactory(display_name="Radiotherapy Rita")
    outcome = site_search.search(viewer=member, raw_query="radiotherapy")
    assert "Tiredness after radiotherapy sessions?" in titles(outcome, "questions")
    assert any(t.startswith("An answer to") for t in titles(outcome, "questions"))
    assert any(t.startswith("An update from") for t in titles(outcome, "updates"))
    assert any(t.startswith("A comment from") for t in titles(outcome, "updates"))
    assert "Radiotherapy Rita" in titles(outcome, "members")


def test_hidden_pending_removed_and_blocked_items_never_appear(member, other_member):
    from community import services

    for state in (ModerationState.PENDING, ModerationState.HIDDEN, ModerationState.REMOVED):
        QuestionFactory(title=f"Crizotinib question that is {state}", moderation_state=state)
    QuestionFactory(title="Crizotinib question from someone blocked", author=other_member)
    services.member_block(blocker=other_member, blocked=member)
    QuestionFactory(title="Crizotinib question anyone can see")
    outcome = site_search.search(viewer=member, raw_query="crizotinib")
    assert titles(outcome, "questions") == ["Crizotinib question anyone can see"]


def test_brand_and_generic_names_find_each_other(member):
    PublishedArticleFactory(title="What osimertinib does", body="It blocks a faulty EGFR signal.")
    PublishedArticleFactory(title="Starting Tagrisso", body="My first month.")
    by_brand = titles(site_search.search(viewer=member, raw_query="Tagrisso"), "articles")
    by_generic = titles(site_search.search(viewer=member, raw_query="osimertinib"), "articles")
    assert set(by_brand) == set(by_generic) == {"What osimertinib does", "Starting Tagrisso"}


def test_abbreviations_expand_from_the_synonym_table(member):
    assert SearchSynonym.objects.filter(term="nsclc").exists()
    PublishedArticleFactory(title="Understanding non-small cell lung cancer", body="The most common kind.")
    outcome = site_search.search(viewer=member, raw_query="NSCLC")
    assert "Understanding non-small cell lung cancer" in titles(outcome, "articles")
    assert "non-small cell lung cancer" in outcome.expanded


def test_synonyms_staff_add_or_change_reach_search_at_once(member):
    PublishedArticleFactory(title="Stereotactic radiotherapy, step by step", body="A few precise doses.")
    PublishedArticleFactory(title="What a biopsy involves", body="A small sample of tissue.")
    assert titles(site_search.search(viewer=member, raw_query="SBRT"), "articles") == []
    synonym = SearchSynonym.objects.create(term="SBRT", alternatives="stereotactic radiotherapy")
    assert titles(site_search.search(viewer=member, raw_query="sbrt"), "articles") == [
        "Stereotactic radiotherapy, step by step"
    ]
    synonym.alternatives = "biopsy"
    synonym.save()
    assert titles(site_search.search(viewer=member, raw_query="SBRT"), "articles") == ["What a biopsy involves"]


def test_search_reads_drug_names_and_synonyms_from_the_cache(member):
    for n in range(3):  # enough results that no "Did you mean" is looked up
        PublishedArticleFactory(title=f"Osimertinib, part {n}", body="Once a day.")
    site_search.search(viewer=member, raw_query="Tagrisso NSCLC")
    with CaptureQueriesContext(connection) as context:
        outcome = site_search.search(viewer=member, raw_query="Tagrisso NSCLC")
    assert {"osimertinib", "non-small cell lung cancer"} <= set(outcome.expanded)
    tables = " ".join(q["sql"] for q in context.captured_queries)
    assert "articles_treatment" not in tables and "articles_searchsynonym" not in tables


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!!???",
        "a" * 5000,
        "'; DROP TABLE community_question; --",
        "foo & | ! : * ( ) <-> bar",
        '"unclosed phrase',
        "-",
        "<script>alert(1)</script>",
        "{{ 7*7 }} {% debug %}",
        "\x00\x01",
    ],
)
def test_hostile_queries_give_a_normal_page(client, member, query):
    client.force_login(member)
    response = client.get(reverse("search"), {"q": query, "kind": "everything'--"})
    # A NUL byte is refused for the whole site with a clear 400 page (config.middleware).
    assert response.status_code == (400 if "\x00" in query else 200)
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert len(site_search.clean_query(query)) <= site_search.MAX_QUERY_LENGTH


def test_title_matches_rank_first(member):
    PublishedArticleFactory(title="A day at the clinic", body="We talked about pembrolizumab " * 5)
    PublishedArticleFactory(title="Pembrolizumab", body="An immunotherapy.")
    assert titles(site_search.search(viewer=member, raw_query="pembrolizumab"), "articles")[0] == "Pembrolizumab"


def test_phrases_and_excluded_words_follow_websearch_syntax(member):
    PublishedArticleFactory(title="Waiting for scan results", body="Scan results take a week. Brain scans too.")
    PublishedArticleFactory(title="Scan results explained", body="What the report says about the liver.")
    found = titles(site_search.search(viewer=member, raw_query='"scan results" -brain'), "articles")
    assert found == ["Scan results explained"]


def test_snippets_highlight_matches_and_escape_everything_else(member):
    QuestionFactory(
        title="Lorlatinib and mood", details='<b>bold</b> lorlatinib <script>x</script> 5 < 6 & "mood" changed'
    )
    [result] = site_search.search(viewer=member, raw_query="lorlatinib mood").results["questions"]
    assert "<mark>lorlatinib</mark>" in result.snippet.lower()
    assert set(re.findall(r"</?([a-z]+)", result.snippet)) == {"mark"}
    assert "&amp;" in result.snippet and "&lt;" in result.snippet


def test_article_snippets_read_as_text_not_markdown(member):
    PublishedArticleFactory(
        title="After radiotherapy",
        body="## Tiredness\n\nTiredness after **radiotherapy** is common[^1] and _usually_ eases.",
    )
    [result] = site_search.search(viewer=member, raw_query="tiredness").results["articles"]
    text = re.sub(r"</?mark>", "", result.snippet)
    assert "Tiredness after radiotherapy is common and usually eases." in text
    assert not re.search(r"#|\*|\[\^|_", text)


def test_a_misspelled_drug_name_gets_a_did_you_mean(client, member):
    client.force_login(member)
    page = client.get(reverse("search"), {"q": "osimertnib"}).content.decode()
    assert "Did you mean" in page and "osimertinib" in page
    # A word the site already uses is not treated as a typo.
    PublishedArticleFactory(title="Brain scans", body="Brain scans explained.")
    assert site_search.did_you_mean("brain") == ""


def test_members_who_asked_not_to_be_found_are_not_in_search(member):
    hidden = UserFactory(display_name="Quiet Quentin")
    hidden.profile.discoverable = False
    hidden.profile.save()
    UserFactory(display_name="Quiet Quinn")
    assert titles(site_search.search(viewer=member, raw_query="quiet"), "members") == ["Quiet Quinn"]


def test_a_quoted_phrase_finds_only_the_words_together_in_every_kind(member):
    question = QuestionFactory(title="Getting up the stairs again?")
    together = [
        UpdateFactory(text="Shortness of breath on the stairs this week."),
        CommentFactory(text="My shortness of breath eased with the inhaler."),
        AnswerFactory(question=question, text="Shortness of breath got better after draining the fluid."),
    ]
    # Newer rows with both words apart must neither match nor hide the older ones above.
    for n in range(3):
        UpdateFactory(text=f"Shortness of patience today, but my breath is fine ({n}).")
        CommentFactory(text=f"Take a breath: shortness of sleep is normal ({n}).")
        AnswerFactory(question=question, text=f"A breath of fresh air helps the shortness of temper ({n}).")
    outcome = site_search.search(viewer=member, raw_query='"shortness of breath"')
    update, comment, answer = together
    assert urls(outcome, "updates") == {
        update.get_absolute_url(),
        f"{comment.target.get_absolute_url()}#comment-{comment.pk}",
    }
    assert urls(outcome, "questions") == {answer.get_absolute_url()}


def test_a_hyphenated_word_finds_only_itself(member):
    UpdateFactory(text="My PD-L1 score came back at 80 percent.")
    UpdateFactory(text="The PD clinic moved to room L1 this week.")
    [found] = site_search.search(viewer=member, raw_query="PD-L1").results["updates"]
    assert "80 percent" in found.snippet


def test_a_synonym_of_several_words_is_searched_as_a_phrase(member):
    UpdateFactory(text="Diagnosed with non-small cell lung cancer in May.")
    UpdateFactory(text="Not a cell in my lung is small, says the cancer nurse, non-stop jokes.")
    found = titles(site_search.search(viewer=member, raw_query="NSCLC"), "updates")
    assert len(found) == 1


def test_a_question_titled_exactly_as_the_query_comes_first(member):
    exact = QuestionFactory(title="What helped with fatigue on osimertinib?")
    for n in range(3):
        QuestionFactory(
            title=f"Fatigue on osimertinib, what helped you most ({n})?",
            details="What helped my fatigue on osimertinib: rest, fatigue clinics, osimertinib breaks.",
        )
    found = titles(site_search.search(viewer=member, raw_query="what helped with fatigue on osimertinib?"), "questions")
    assert found[0] == exact.title
    assert len(found) == 4


def test_a_misspelled_everyday_word_gets_a_did_you_mean_from_article_titles(client, member):
    PublishedArticleFactory(title="Managing fatigue at home", body="Rest, pacing and short walks.")
    PublishedArticleFactory(title="When nausea will not settle", body="Small meals and ginger.")
    assert site_search.did_you_mean("nausia fatige") == "nausea fatigue"
    assert site_search.did_you_mean("zzzqqq") == ""
    client.force_login(member)
    page = client.get(reverse("search"), {"q": "fatige"}).content.decode()
    assert 'Did you mean <a href="?q=fatigue">fatigue</a>?' in page


def test_members_are_found_by_part_of_their_name_or_a_location_they_share(member):
    from community import services

    UserFactory(display_name="Margaret Oyelaran")
    blocked = UserFactory(display_name="Margot Lee")
    services.member_block(blocker=member, blocked=blocked)
    UserFactory(display_name="Marguerite Banned", banned_at=timezone.now())
    shared = UserFactory(display_name="Sam")
    shared.profile.location = "Leeds, West Yorkshire"
    shared.profile.save()
    private = UserFactory(display_name="Pat")
    private.profile.location = "Leeds"
    private.profile.location_visibility = Visibility.ONLY_ME
    private.profile.save()
    assert titles(site_search.search(viewer=member, raw_query="marg"), "members") == ["Margaret Oyelaran"]
    by_place = site_search.search(viewer=member, raw_query="leeds").results["members"]
    assert [(m.title, m.meta) for m in by_place] == [("Sam", "Leeds, West Yorkshire")]


def test_each_word_typed_may_start_any_word_of_a_members_name(member):
    UserFactory(display_name="Margaret Oyelaran")
    UserFactory(display_name="Oyelaran Bello")
    assert titles(site_search.search(viewer=member, raw_query="oyel marg"), "members") == ["Margaret Oyelaran"]
    assert titles(site_search.search(viewer=member, raw_query="Oyelaran"), "members") == [
        "Margaret Oyelaran",
        "Oyelaran Bello",
    ]
    assert titles(site_search.search(viewer=member, raw_query="garet"), "members") == []


def test_search_runs_the_same_statements_for_words_and_phrases_however_many_rows(member):
    def statements(query):
        with CaptureQueriesContext(connection) as context:
            outcome = site_search.search(viewer=member, raw_query=query)
        assert outcome.total >= 3  # no "Did you mean" lookups
        return len(context.captured_queries)

    def add_rows():
        question = QuestionFactory(title="Tired all day on treatment?", details="So tired today.")
        AnswerFactory(question=question, text="Tired today as well.")
        CommentFactory(update=UpdateFactory(text="Tired today after the infusion."), text="Tired today too.")
        UserFactory(display_name="Tired Today Tom")

    add_rows()
    statements("tired")  # warm up: the viewer's email address check
    few = statements("tired")
    assert statements('"tired today"') == few
    for _ in range(5):
        add_rows()
    assert statements("tired") == statements('"tired today"') == few


def test_only_the_newest_matches_are_ranked_and_all_ranks_fewer_than_a_tab(member, monkeypatch):
    monkeypatch.setitem(site_search.CANDIDATES_IN_ALL, "posts", 2)
    monkeypatch.setitem(site_search.CANDIDATES, "posts", 4)
    best = UpdateFactory(text="Scanxiety, scanxiety, scanxiety: the week before every scan.")
    for n in range(3):
        UpdateFactory(text=f"A little scanxiety today ({n}).")
    in_all = urls(site_search.search(viewer=member, raw_query="scanxiety"), "updates")
    in_tab = [
        r.url for r in site_search.search(viewer=member, raw_query="scanxiety", kind="updates").results["updates"]
    ]
    assert len(in_all) == 2 and best.get_absolute_url() not in in_all
    assert len(in_tab) == 4 and in_tab[0] == best.get_absolute_url()


def test_statements_stay_prepared_but_searches_are_planned_for_what_was_typed(settings):
    """The site keeps a statement prepared once a connection has run it twice; a search's best plan
    depends on the words typed, so its statements are planned afresh each time."""
    assert settings.DATABASES["default"]["OPTIONS"]["server_side_binding"] is True
    member = UserFactory()
    UpdateFactory(text="Fatigue again today, but a short walk helped.")
    QuestionFactory(title="How do you manage fatigue on osimertinib?")
    for _ in range(3):
        assert User.objects.filter(pk=member.pk).exists()
        outcome = site_search.search(viewer=member, raw_query="fatigue", kind="all")
    assert titles(outcome, "questions") == ["How do you manage fatigue on osimertinib?"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user"' in statement for statement in prepared)
    assert not any("ts_headline" in statement or "ts_rank" in statement for statement in prepared)


# Each way a post can be out of a viewer's reach: through its own author, or through anything it
# hangs under. The search page must show neither its words nor the title of what it answers.
PROBLEMS = ("removed", "pending", "hidden", "blocker")


def _out_of_reach(problem, viewer, **fields):
    """`fields` for a factory, made unreachable for `viewer` by `problem`."""
    from community import services

    if problem == "blocker":
        blocker = UserFactory(display_name="Blocking Bea")
        services.member_block(blocker=blocker, blocked=viewer)
        return {**fields, "author": blocker}
    return {**fields, "moderation_state": problem}


def _question(problem=None, viewer=None):
    fields = {"title": "Which pillow helps after pleurodesis?"}
    return QuestionFactory(**(_out_of_reach(problem, viewer, **fields) if problem else fields))


def _answer(problem=None, viewer=None, question=None):
    fields = {"question": question or _question(), "text": "A wedge pillow, honestly."}
    return AnswerFactory(**(_out_of_reach(problem, viewer, **fields) if problem else fields))


def _update(problem=None, viewer=None):
    fields = {"text": "Home from the ward today."}
    return UpdateFactory(**(_out_of_reach(problem, viewer, **fields) if problem else fields))


SECRET = "Quokkas cheered me up in the waiting room."

# (what is searched for, how it is placed) for every kind and every parent it can hang under.
PLACEMENTS = {
    "update": lambda problem, viewer: UpdateFactory(**_out_of_reach(problem, viewer, text=SECRET)),
    "question": lambda problem, viewer: QuestionFactory(
        **_out_of_reach(problem, viewer, title="Quokkas at the clinic?", details=SECRET)
    ),
    "answer": lambda problem, viewer: AnswerFactory(**_out_of_reach(problem, viewer, text=SECRET)),
    "answer under the question": lambda problem, viewer: AnswerFactory(
        question=_question(problem, viewer), text=SECRET
    ),
    "comment on an update": lambda problem, viewer: CommentFactory(**_out_of_reach(problem, viewer, text=SECRET)),
    "comment under the update": lambda problem, viewer: CommentFactory(update=_update(problem, viewer), text=SECRET),
    "comment under the answer": lambda problem, viewer: CommentFactory(
        update=None, answer=_answer(problem, viewer), text=SECRET
    ),
    "comment under the answer's question": lambda problem, viewer: CommentFactory(
        update=None, answer=_answer(question=_question(problem, viewer)), text=SECRET
    ),
    "comment on an answer": lambda problem, viewer: CommentFactory(
        **_out_of_reach(problem, viewer, update=None, answer=AnswerFactory(), text=SECRET)
    ),
    "reply under the comment": lambda problem, viewer: _reply(
        CommentFactory(**_out_of_reach(problem, viewer, text="Me too."))
    ),
}


def _reply(parent):
    return CommentFactory(update=parent.update, parent=parent, text=SECRET)


def _cases():
    for placement in PLACEMENTS:
        for problem in PROBLEMS:
            # A removed comment stays in its thread as "Comment removed", and its replies still read.
            if (placement, problem) != ("reply under the comment", "removed"):
                yield placement, problem


@pytest.mark.parametrize(("placement", "problem"), list(_cases()))
def test_search_shows_nothing_the_viewer_could_not_open(client, member, placement, problem):
    PLACEMENTS[placement](problem, member)
    UpdateFactory(text="Quokkas again, in the garden this time.")
    client.force_login(member)
    for kind in ("all", "questions", "updates"):
        page = client.get(reverse("search"), {"q": "quokkas", "kind": kind}).content.decode()
        assert "cheered me up" not in page, (placement, problem, kind)
        assert "pleurodesis" not in page and "Quokkas at the clinic" not in page, (placement, problem, kind)
    assert "in the garden" in client.get(reverse("search"), {"q": "quokkas"}).content.decode()


def test_a_reply_under_a_removed_comment_is_found_as_the_thread_shows_it(member):
    reply = _reply(CommentFactory(text="Me too.", moderation_state=ModerationState.REMOVED))
    [found] = site_search.search(viewer=member, raw_query="quokkas").results["updates"]
    assert found.url.endswith(f"#comment-{reply.pk}")


def test_comments_under_an_unpublished_article_are_not_found(member):
    from tests.articles.factories import ArticleFactory

    CommentFactory(update=None, article=ArticleFactory(), text=SECRET)
    assert site_search.search(viewer=member, raw_query="quokkas").results["updates"] == []
