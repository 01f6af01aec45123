"""The rules behind every write: who may post, the limits, and the counters kept on items."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import services
from community.models import Answer, Block, Comment, HelpfulVote, Question, Reaction, TeamMembership, Update
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory, picture_upload

pytestmark = pytest.mark.django_db


# Who may post


def test_an_unverified_member_cannot_post_anything(unverified, member):
    update = UpdateFactory(author=member)
    question = QuestionFactory(author=member)
    with pytest.raises(PermissionDenied):
        services.update_create(author=unverified, text="Hello")
    with pytest.raises(PermissionDenied):
        services.question_ask(author=unverified, title="Is this a long enough question?")
    with pytest.raises(PermissionDenied):
        services.comment_create(author=unverified, text="Hi", update=update)
    with pytest.raises(PermissionDenied):
        services.answer_create(author=unverified, question=question, text="Hi")
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(member=unverified, update=update, kind="hug")
    assert not Update.objects.filter(author=unverified).exists()
    assert not Comment.objects.exists() and not Answer.objects.exists() and not Reaction.objects.exists()


# Updates


def test_an_update_needs_text_or_a_picture(member):
    with pytest.raises(ValidationError, match=r"An update needs text or a picture\."):
        services.update_create(author=member, text="   \n ")
    assert not Update.objects.exists()


def test_an_update_with_only_a_picture_is_fine(member):
    update = services.update_create(author=member, text="", picture=picture_upload(), picture_alt=" A view ")
    assert update.text == "" and update.picture.name.endswith(".webp")
    assert update.picture_alt == "A view"


def test_only_the_author_edits_and_the_update_is_marked_edited(member, other_member):
    update = UpdateFactory(author=member, text="First words")
    with pytest.raises(PermissionDenied):
        services.update_edit(actor=other_member, update=update, text="Hijacked")
    services.update_edit(actor=member, update=update, text="Better words")
    update.refresh_from_db()
    assert update.text == "Better words" and update.edited_at is not None


def test_editing_cannot_empty_an_update_without_a_picture(member):
    update = UpdateFactory(author=member, text="Keep me")
    with pytest.raises(ValidationError, match=r"An update needs text or a picture\."):
        services.update_edit(actor=member, update=update, text="  ")
    update.refresh_from_db()
    assert update.text == "Keep me"


def test_only_the_author_deletes_an_update(member, other_member):
    update = UpdateFactory(author=member)
    with pytest.raises(PermissionDenied):
        services.update_delete(actor=other_member, update=update)
    services.update_delete(actor=member, update=update)
    assert not Update.objects.exists()


# Rate limits


def test_a_second_post_within_the_interval_is_refused_with_a_clear_message(member, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    services.update_create(author=member, text="First")
    with pytest.raises(services.PostingLimitReached, match="Please wait 15 seconds between posts"):
        services.question_ask(author=member, title="A question asked a moment later?")
    assert Update.objects.count() == 1 and not Question.objects.exists()


def test_posting_again_after_the_interval_is_fine(member, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 15
    UpdateFactory(author=member, created_at=timezone.now() - timedelta(seconds=16))
    services.update_create(author=member, text="Second")
    assert Update.objects.count() == 2


def test_an_interval_of_zero_never_refuses_even_a_post_saved_at_the_same_moment(member, settings):
    # Two requests of one member at once: the other one's post can carry a time after this one's.
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
    UpdateFactory(author=member, created_at=timezone.now() + timedelta(seconds=1))
    services.update_create(author=member, text="Posted at the same moment")
    assert Update.objects.count() == 2


def test_new_members_have_a_daily_limit(member, settings):
    settings.DAILY_LIMITS_NEW_MEMBER = {"question": 2, "comment": 2, "update": 2, "answer": 2}
    services.question_ask(author=member, title="My first question about scans?")
    services.question_ask(author=member, title="My second question about scans?")
    with pytest.raises(services.PostingLimitReached, match="today's limit of 2 questions"):
        services.question_ask(author=member, title="My third question about scans?")
    # Other kinds of post have their own count.
    services.update_create(author=member, text="Still fine")


def test_established_members_have_the_higher_limit(member, settings):
    settings.DAILY_LIMITS_NEW_MEMBER = {"question": 1, "comment": 1, "update": 1, "answer": 1}
    settings.DAILY_LIMITS_MEMBER = {"question": 2, "comment": 2, "update": 2, "answer": 2}
    member.date_joined = timezone.now() - timedelta(days=settings.NEW_MEMBER_DAYS + 1)
    member.save()
    services.update_create(author=member, text="One")
    services.update_create(author=member, text="Two")
    with pytest.raises(services.PostingLimitReached):
        services.update_create(author=member, text="Three")


def test_yesterdays_posts_do_not_count_against_today(member, settings):
    settings.DAILY_LIMITS_NEW_MEMBER = {"question": 1, "comment": 1, "update": 1, "answer": 1}
    UpdateFactory(author=member, created_at=timezone.now() - timedelta(days=1, minutes=1))
    services.update_create(author=member, text="Today")


# Reactions


def test_a_reaction_toggles_on_and_off_and_the_count_follows(member, other_member):
    update = UpdateFactory(author=other_member)
    assert services.reaction_toggle(member=member, update=update, kind="hug") is True
    update.refresh_from_db()
    assert (update.hug_count, update.like_count, update.thanks_count) == (1, 0, 0)
    assert services.reaction_toggle(member=member, update=update, kind="hug") is False
    update.refresh_from_db()
    assert update.hug_count == 0
    assert not Reaction.objects.exists()


def test_one_of_each_kind_per_member(member, other_member, third_member):
    update = UpdateFactory(author=other_member)
    for kind in ("hug", "like", "thanks"):
        services.reaction_toggle(member=member, update=update, kind=kind)
    services.reaction_toggle(member=third_member, update=update, kind="hug")
    update.refresh_from_db()
    assert (update.hug_count, update.like_count, update.thanks_count) == (2, 1, 1)
    assert Reaction.objects.filter(member=member).count() == 3


def test_an_unknown_reaction_is_refused(member, other_member):
    update = UpdateFactory(author=other_member)
    with pytest.raises(ValidationError):
        services.reaction_toggle(member=member, update=update, kind="angry")


# Comments


def test_a_comment_counts_on_its_update_and_a_reply_to_a_reply_joins_the_thread(member, other_member):
    update = UpdateFactory(author=member)
    top = services.comment_create(author=other_member, text="So glad", update=update)
    reply = services.comment_create(author=member, text="Thank you", update=update, parent=top)
    reply_to_reply = services.comment_create(author=other_member, text="Any time", update=update, parent=reply)
    assert reply.parent == top
    assert reply_to_reply.parent == top
    update.refresh_from_db()
    assert update.comment_count == 3


def test_a_reply_must_belong_to_the_same_thread(member, other_member):
    first, second = UpdateFactory(author=member), UpdateFactory(author=member)
    elsewhere = services.comment_create(author=other_member, text="On the first", update=first)
    with pytest.raises(ValidationError, match="cannot be replied to"):
        services.comment_create(author=other_member, text="Lost", update=second, parent=elsewhere)
    assert second.comments.count() == 0


def test_deleting_a_comment_with_replies_leaves_it_removed(member, other_member):
    update = UpdateFactory(author=member)
    top = services.comment_create(author=other_member, text="Private words", update=update)
    services.comment_create(author=member, text="Reply", update=update, parent=top)
    services.comment_delete(actor=other_member, comment=top)
    top.refresh_from_db()
    assert top.is_removed and top.text == ""
    update.refresh_from_db()
    assert update.comment_count == 1
    # Deleting again changes nothing.
    services.comment_delete(actor=other_member, comment=top)
    update.refresh_from_db()
    assert update.comment_count == 1


def test_deleting_a_comment_without_replies_removes_it(member, other_member):
    update = UpdateFactory(author=member)
    comment = services.comment_create(author=other_member, text="Bye", update=update)
    with pytest.raises(PermissionDenied):
        services.comment_delete(actor=member, comment=comment)
    services.comment_delete(actor=other_member, comment=comment)
    assert not Comment.objects.exists()
    update.refresh_from_db()
    assert update.comment_count == 0


def test_answer_comments_count_on_the_answer(member, other_member):
    answer = AnswerFactory(author=member)
    services.comment_create(author=other_member, text="Same for me", answer=answer)
    answer.refresh_from_db()
    assert answer.comment_count == 1


@pytest.mark.parametrize("target", ["update", "answer"])
def test_a_new_comment_or_answer_locks_the_count_on_its_parent_last(member, other_member, target):
    """Under the load benchmark every comment goes to one update: the row holding its count stays
    locked from that UPDATE until commit, so nothing else of the post may run after it."""
    parent = UpdateFactory(author=member) if target == "update" else AnswerFactory(author=member)
    question = QuestionFactory(author=member)
    with CaptureQueriesContext(connection) as comment_queries:
        services.comment_create(author=other_member, text="Thinking of you", **{target: parent})
    with CaptureQueriesContext(connection) as answer_queries:
        services.answer_create(author=other_member, question=question, text="Same here, it got easier.")

    for queries, table in [(comment_queries, parent._meta.db_table), (answer_queries, "community_question")]:
        statements = [q["sql"] for q in queries.captured_queries]
        count_update = next(i for i, sql in enumerate(statements) if sql.startswith(f'UPDATE "{table}"'))
        assert statements[count_update + 1 :] == [statements[-1]] and statements[-1].startswith("RELEASE SAVEPOINT")
    parent.refresh_from_db()
    question.refresh_from_db()
    assert parent.comment_count == 1 and question.answer_count == 1


# Questions and answers


@pytest.mark.parametrize("title", ["Too short?", "x" * 201, "               "])
def test_a_question_title_needs_15_to_200_characters(member, title):
    with pytest.raises(ValidationError):
        services.question_ask(author=member, title=title)
    assert not Question.objects.exists()


def test_an_answer_counts_on_its_question(member, other_member):
    question = QuestionFactory(author=member)
    services.answer_create(author=other_member, question=question, text="It gets easier")
    question.refresh_from_db()
    assert question.answer_count == 1


def test_helpful_votes_toggle_once_per_member_and_follow_on_the_question(member, other_member, third_member):
    answer = AnswerFactory(author=other_member, question=QuestionFactory(author=member))
    assert services.helpful_vote_toggle(member=member, answer=answer) is True
    assert services.helpful_vote_toggle(member=third_member, answer=answer) is True
    answer.refresh_from_db()
    answer.question.refresh_from_db()
    assert answer.helpful_count == 2 and answer.question.helpful_count == 2
    assert services.helpful_vote_toggle(member=member, answer=answer) is False
    answer.refresh_from_db()
    answer.question.refresh_from_db()
    assert answer.helpful_count == 1 and answer.question.helpful_count == 1
    assert HelpfulVote.objects.filter(answer=answer).count() == 1


def test_no_helpful_vote_on_your_own_answer(member):
    answer = AnswerFactory(author=member)
    with pytest.raises(ValidationError, match="your own answer"):
        services.helpful_vote_toggle(member=member, answer=answer)
    answer.refresh_from_db()
    assert answer.helpful_count == 0


def test_only_the_asker_chooses_and_choosing_again_moves_the_mark(member, other_member, third_member):
    question = QuestionFactory(author=member)
    first = AnswerFactory(question=question, author=other_member)
    second = AnswerFactory(question=question, author=third_member)
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=other_member, answer=first)
    services.answer_accept(actor=member, answer=first)
    services.answer_accept(actor=member, answer=second)
    assert list(question.answers.filter(is_accepted=True)) == [second]
    assert question.answers.first() == second


# Teams and blocks


def test_team_add_and_remove(member, other_member):
    services.team_add(member=member, teammate=other_member)
    services.team_add(member=member, teammate=other_member)
    assert TeamMembership.objects.filter(member=member, teammate=other_member).count() == 1
    with pytest.raises(ValidationError):
        services.team_add(member=member, teammate=member)
    services.team_remove(member=member, teammate=other_member)
    assert not TeamMembership.objects.exists()


def test_a_block_ends_team_links_and_stops_adding_commenting_reacting_answering(member, other_member):
    services.team_add(member=member, teammate=other_member)
    services.team_add(member=other_member, teammate=member)
    services.member_block(blocker=member, blocked=other_member)
    assert not TeamMembership.objects.exists()
    update, question = UpdateFactory(author=member), QuestionFactory(author=member)
    with pytest.raises(PermissionDenied):
        services.team_add(member=other_member, teammate=member)
    with pytest.raises(PermissionDenied):
        services.comment_create(author=other_member, text="Hi", update=update)
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(member=other_member, update=update, kind="hug")
    with pytest.raises(PermissionDenied):
        services.answer_create(author=other_member, question=question, text="Hi")
    services.member_unblock(blocker=member, blocked=other_member)
    assert not Block.objects.exists()
    services.team_add(member=other_member, teammate=member)


def test_nobody_blocks_themselves(member):
    with pytest.raises(ValidationError):
        services.member_block(blocker=member, blocked=member)


def test_comment_factory_keeps_counts(member):
    comment = CommentFactory(update=UpdateFactory(author=member))
    comment.update.refresh_from_db()
    assert comment.update.comment_count == 1
