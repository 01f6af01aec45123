"""Reads filtered to what the viewer may see."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Biomarker, Profile
from community import selectors, services
from community.templatetags.community import question_author
from tests.articles.factories import TopicFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def test_readers_must_be_verified_members(unverified):
    from django.contrib.auth.models import AnonymousUser

    for viewer in (AnonymousUser(), unverified):
        with pytest.raises(PermissionDenied):
            selectors.feed_updates(viewer=viewer)
        with pytest.raises(PermissionDenied):
            selectors.find_members(viewer=viewer)
        with pytest.raises(PermissionDenied):
            selectors.answers_for_viewer(viewer=viewer, question=QuestionFactory())


def test_feed_hides_blocks_both_ways(member, other_member, third_member):
    mine, theirs, thirds = (
        UpdateFactory(author=member),
        UpdateFactory(author=other_member),
        UpdateFactory(author=third_member),
    )
    services.member_block(blocker=member, blocked=other_member)
    assert set(selectors.feed_updates(viewer=member)) == {mine, thirds}
    assert set(selectors.feed_updates(viewer=other_member)) == {theirs, thirds}


def test_like_me_matches_a_shared_visible_biomarker(member, other_member, third_member):
    egfr = Biomarker.objects.get(code="EGFR")
    for user in (member, other_member, third_member):
        user.profile.biomarkers.add(egfr)
    third_member.profile.biomarkers_visibility = "only_me"
    third_member.profile.save()
    UpdateFactory(author=other_member)
    UpdateFactory(author=third_member)
    assert set(selectors.members_like_viewer(viewer=member)) == {other_member}
    assert [u.author for u in selectors.feed_updates(viewer=member, scope="like_me")] == [other_member]


def test_not_sure_diagnosis_does_not_make_everyone_like_me(member, other_member):
    for user in (member, other_member):
        user.profile.diagnosis = Profile.Diagnosis.NOT_SURE
        user.profile.save()
    assert list(selectors.members_like_viewer(viewer=member)) == []


def test_comment_threads_hide_blocked_authors(member, other_member, third_member):
    update = UpdateFactory(author=third_member)
    top = CommentFactory(update=update, author=third_member)
    CommentFactory(update=update, author=other_member, parent=top, text="From the blocked")
    services.member_block(blocker=member, blocked=other_member)
    thread = list(selectors.comment_thread(viewer=member, update=update))
    assert thread == [top] and thread[0].shown_replies == []


def test_answers_marked_with_the_viewers_vote(member, other_member):
    answer = AnswerFactory(author=other_member)
    services.helpful_vote_toggle(member=member, answer=answer)
    [seen] = selectors.answers_for_viewer(viewer=member, question=answer.question)
    assert seen.voted is True
    [seen] = selectors.answers_for_viewer(viewer=other_member, question=answer.question)
    assert seen.voted is False


def test_question_tabs():
    old = QuestionFactory()
    helpful = QuestionFactory()
    AnswerFactory(question=helpful)
    helpful.helpful_count = 3
    helpful.save()
    assert list(selectors.questions(tab="unanswered")) == [old]
    assert selectors.questions(tab="most_helpful").first() == helpful
    assert selectors.questions().first() == helpful


@pytest.mark.parametrize(
    "typed",
    [
        "fatigue during immunotherapy",
        "How do you cope with fatigue during immunotherapy",
        "coping with fatigue on immunotherapy?",
    ],
)
def test_similar_questions_find_a_similar_title(typed):
    wanted = QuestionFactory(title="How do you cope with fatigue during immunotherapy?")
    QuestionFactory(title="Which hospital bag essentials do you recommend?")
    assert selectors.similar_questions(title=typed, viewer=wanted.author) == [wanted]


def test_similar_questions_are_at_most_five_and_need_a_few_letters(member):
    for n in range(7):
        QuestionFactory(title=f"Questions about radiotherapy side effects, number {n}?")
    assert len(selectors.similar_questions(title="radiotherapy side effects", viewer=member)) == 5
    assert selectors.similar_questions(title="ra", viewer=member) == []
    assert selectors.similar_questions(title="   ", viewer=member) == []


def test_similar_questions_survive_odd_input(member):
    QuestionFactory(title="Percent signs and underscores in a question title?")
    for typed in ("100% _sure_ %%%", "'; DROP TABLE community_question; --", "\\\\\\\\", "ü" * 300):
        selectors.similar_questions(title=typed, viewer=member)


def test_similar_questions_never_suggest_a_blockers_question(member_client, member, other_member):
    QuestionFactory(title="How do you cope with fatigue during immunotherapy?", author=other_member)
    services.member_block(blocker=other_member, blocked=member)
    QuestionFactory(title="Coping with fatigue during immunotherapy, any tips?")
    page = member_client.get(reverse("question_similar"), {"title": "fatigue during immunotherapy"})
    assert "any tips?" in page.content.decode()
    assert "How do you cope with fatigue" not in page.content.decode()


def test_question_authors_are_named_only_to_members_who_may_read_the_community(client, unverified, member):
    question = QuestionFactory(title="Who else started lorlatinib this month?")
    name = question.author.display_name
    assert question_author(question, unverified) == "A Kindred member"
    assert question_author(question, member) == name
    client.force_login(unverified)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Who else started lorlatinib" in page and name not in page


def test_hubs_leave_out_questions_from_someone_who_blocked_the_viewer(member_client, member, other_member):
    topic = TopicFactory(name="Living with ALK")
    QuestionFactory(title="ALK question anyone may read", topic=topic)
    QuestionFactory(title="ALK question from a blocker", topic=topic, author=other_member)
    services.member_block(blocker=other_member, blocked=member)
    page = member_client.get(topic.get_absolute_url()).content.decode()
    assert "ALK question anyone may read" in page
    assert "ALK question from a blocker" not in page


def test_each_kind_of_post_is_open_to_a_viewer_only_where_everything_above_it_is(member, other_member):
    hidden = UpdateFactory(moderation_state="hidden")
    removed_question = QuestionFactory(moderation_state="removed")
    blockers_answer = AnswerFactory(author=other_member)
    services.member_block(blocker=other_member, blocked=member)
    out_of_reach = [
        CommentFactory(update=hidden),
        AnswerFactory(question=removed_question),
        CommentFactory(update=None, answer=AnswerFactory(question=removed_question)),
        CommentFactory(update=None, answer=blockers_answer),
    ]
    open_comment = CommentFactory()
    for post in out_of_reach:
        assert not selectors.open_to(type(post), viewer=member).filter(pk=post.pk).exists(), post
    assert selectors.open_to(type(open_comment), viewer=member).filter(pk=open_comment.pk).exists()


def test_find_members_excludes_self_blocked_and_inactive(member, other_member, third_member):
    services.member_block(blocker=third_member, blocked=member)
    assert list(selectors.find_members(viewer=member)) == [other_member]
    other_member.is_active = False
    other_member.save()
    assert list(selectors.find_members(viewer=member)) == []


def test_find_members_biomarker_visible_only(member, other_member):
    other_member.profile.biomarkers.add(Biomarker.objects.get(code="EGFR"))
    assert list(selectors.find_members(viewer=member, biomarker="EGFR")) == [other_member]
    other_member.profile.biomarkers_visibility = "only_me"
    other_member.profile.save()
    assert list(selectors.find_members(viewer=member, biomarker="EGFR")) == []
