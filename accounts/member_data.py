"""A member's own community content, for their data export and for deleting their account.

DESIGN.md has accounts read other apps only through their selectors.py and write only through
services. Export and deletion need every row a member wrote, including rows others may not see
(removed, pending), which no community selector returns; until community grows
`member_content_for_export` / `member_content_erase` functions, this module is the one place in
accounts that reads and writes community models directly. It is called only from
accounts.services (inside its transaction) and accounts.tasks.
"""

from django.db.models import Count, Exists, OuterRef, Q, Sum

from community.models import (
    Answer,
    Appeal,
    Block,
    Comment,
    HelpfulVote,
    ModerationState,
    Question,
    QuestionFollow,
    Reaction,
    Report,
    TeamMembership,
    Update,
)

# Answers and comments count on their parent while shown or under review (community.moderation).
COUNTED_STATES = (ModerationState.VISIBLE, ModerationState.HIDDEN)


def _when(value):
    return value.isoformat() if value else None


def content_document(member) -> dict:
    """Everything the member wrote or did in the community, as JSON-ready data."""
    updates = [
        {
            "id": u.pk,
            "text": u.text,
            "picture": u.picture.name if u.picture else None,
            "picture_description": u.picture_alt,
            "created_at": _when(u.created_at),
            "edited_at": _when(u.edited_at),
            "state": u.moderation_state,
        }
        for u in Update.objects.filter(author=member).order_by("created_at", "id")
    ]
    comments = [
        {
            "id": c.pk,
            "text": c.text,
            "on": "article" if c.article_id else "update" if c.update_id else "answer",
            "on_id": c.article_id or c.update_id or c.answer_id,
            "reply_to": c.parent_id,
            "created_at": _when(c.created_at),
            "edited_at": _when(c.edited_at),
            "state": c.moderation_state,
            "removed": c.is_removed,
        }
        for c in Comment.objects.filter(author=member).order_by("created_at", "id")
    ]
    questions = [
        {
            "id": q.pk,
            "title": q.title,
            "details": q.details,
            "topic": q.topic.name if q.topic else None,
            "anonymous": q.is_anonymous,
            "created_at": _when(q.created_at),
            "edited_at": _when(q.edited_at),
            "state": q.moderation_state,
        }
        for q in Question.objects.filter(author=member).select_related("topic").order_by("created_at", "id")
    ]
    answers = [
        {
            "id": a.pk,
            "question_id": a.question_id,
            "question": a.question.title,
            "text": a.text,
            "created_at": _when(a.created_at),
            "edited_at": _when(a.edited_at),
            "state": a.moderation_state,
        }
        for a in Answer.objects.filter(author=member).select_related("question").order_by("created_at", "id")
    ]
    reactions = [
        {"update_id": r.update_id, "kind": r.kind, "created_at": _when(r.created_at)}
        for r in Reaction.objects.filter(member=member).order_by("created_at", "id")
    ]
    helpful_votes = [
        {"answer_id": v.answer_id, "created_at": _when(v.created_at)}
        for v in HelpfulVote.objects.filter(member=member).order_by("created_at", "id")
    ]
    reports = [
        {
            "about": r.content_type.model,
            "about_id": r.object_id,
            "reason": r.reason,
            "note": r.note,
            "created_at": _when(r.created_at),
            "resolved_at": _when(r.resolved_at),
        }
        for r in Report.objects.filter(reporter=member).select_related("content_type").order_by("created_at", "id")
    ]
    team = [
        {"member": t.teammate.display_name, "member_id": t.teammate_id, "added_at": _when(t.created_at)}
        for t in TeamMembership.objects.filter(member=member).select_related("teammate").order_by("created_at")
    ]
    blocks = [
        {"member": b.blocked.display_name, "member_id": b.blocked_id, "blocked_at": _when(b.created_at)}
        for b in Block.objects.filter(blocker=member).select_related("blocked").order_by("created_at")
    ]
    appeals = [
        {"action_id": a.action_id, "text": a.text, "created_at": _when(a.created_at), "decision": a.decision}
        for a in Appeal.objects.filter(member=member).order_by("created_at")
    ]
    followed_questions = [
        {"question_id": f.question_id, "title": f.question.title, "followed_at": _when(f.created_at)}
        for f in QuestionFollow.objects.filter(member=member).select_related("question").order_by("created_at")
    ]
    return {
        "updates": updates,
        "comments": comments,
        "questions": questions,
        "answers": answers,
        "reactions": reactions,
        "helpful_votes": helpful_votes,
        "reports_filed": reports,
        "team": team,
        "blocked": blocks,
        "appeals": appeals,
        "followed_questions": followed_questions,
    }


def update_picture_names(member) -> list[str]:
    """Storage names of the pictures the member attached to updates."""
    return list(Update.objects.filter(author=member).exclude(picture="").values_list("picture", flat=True))


def erase_content(member, *, keep_answers_and_comments: bool, former_member) -> list[str]:
    """Delete what the member wrote, or keep their answers and comments under `former_member`.
    Counters on the items that stay are recomputed from the rows. Returns the storage names of
    the pictures to delete once the transaction commits. Run inside a transaction."""
    pictures = update_picture_names(member)

    # What the member's rows touch on items that stay, gathered before anything goes.
    own_updates = Update.objects.filter(author=member)
    own_questions = Question.objects.filter(author=member)
    comments = Comment.objects.filter(author=member)
    answers = Answer.objects.filter(author=member)
    touched_updates = set(Reaction.objects.filter(member=member).values_list("update_id", flat=True))
    touched_updates |= set(comments.exclude(update=None).values_list("update_id", flat=True))
    touched_answers = set(HelpfulVote.objects.filter(member=member).values_list("answer_id", flat=True))
    touched_answers |= set(comments.exclude(answer=None).values_list("answer_id", flat=True))
    touched_questions = set(answers.values_list("question_id", flat=True))
    touched_questions |= set(Answer.objects.filter(pk__in=touched_answers).values_list("question_id", flat=True))

    if keep_answers_and_comments:
        answers.update(author=former_member)
        comments.update(author=former_member)
    else:
        # A comment others replied to stays as "Comment removed" so their replies still read.
        others_replied = Exists(Comment.objects.filter(parent=OuterRef("pk")).exclude(author=member))
        comments.filter(others_replied, parent=None).update(author=former_member, text="", is_removed=True)
        Comment.objects.filter(author=member).delete()
        answers.delete()

    # The rest goes: updates (with their comments and reactions), questions (with their answers),
    # reactions, helpful votes, reports filed, team links, blocks, appeals. Review items about the
    # member's content and the member's account go with the user row (CASCADE).
    own_updates.delete()
    own_questions.delete()
    Reaction.objects.filter(member=member).delete()
    HelpfulVote.objects.filter(member=member).delete()
    Report.objects.filter(reporter=member).delete()
    TeamMembership.objects.filter(Q(member=member) | Q(teammate=member)).delete()
    Block.objects.filter(Q(blocker=member) | Q(blocked=member)).delete()
    Appeal.objects.filter(member=member).delete()

    _recount(touched_updates, touched_answers, touched_questions)
    return pictures


def _recount(update_ids, answer_ids, question_ids) -> None:
    for update in Update.objects.filter(pk__in=update_ids):
        reactions = {
            row["kind"]: row["n"]
            for row in Reaction.objects.filter(update=update).values("kind").annotate(n=Count("id"))
        }
        update.hug_count = reactions.get(Reaction.Kind.HUG, 0)
        update.like_count = reactions.get(Reaction.Kind.LIKE, 0)
        update.thanks_count = reactions.get(Reaction.Kind.THANKS, 0)
        update.comment_count = Comment.objects.filter(
            update=update, moderation_state__in=COUNTED_STATES, is_removed=False
        ).count()
        update.save(update_fields=["hug_count", "like_count", "thanks_count", "comment_count"])
    for answer in Answer.objects.filter(pk__in=answer_ids):
        answer.helpful_count = HelpfulVote.objects.filter(answer=answer).count()
        answer.comment_count = Comment.objects.filter(
            answer=answer, moderation_state__in=COUNTED_STATES, is_removed=False
        ).count()
        answer.save(update_fields=["helpful_count", "comment_count"])
    for question in Question.objects.filter(pk__in=question_ids):
        question.answer_count = Answer.objects.filter(question=question, moderation_state__in=COUNTED_STATES).count()
        question.helpful_count = Answer.objects.filter(question=question).aggregate(n=Sum("helpful_count"))["n"] or 0
        question.save(update_fields=["answer_count", "helpful_count"])
