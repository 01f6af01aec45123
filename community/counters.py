"""The counters an answer or comment keeps on its parent (a question's answers, an update's or an
answer's comments). Posting, deleting and moderation all change them, so they are kept here, once."""

from django.db.models import F

from community.models import Answer, Comment, ModerationState, Question, Update

# States in which an answer or comment counts on its parent: a hidden item is only under review.
COUNTED_STATES = (ModerationState.VISIBLE, ModerationState.HIDDEN)


def parent_count_change(item, delta: int) -> None:
    """Answers and comments count on their parent (question, update, answer) only while shown.
    Comments under articles are counted per page instead: the articles app knows nothing of them."""
    if isinstance(item, Answer):
        Question.objects.filter(pk=item.question_id).update(answer_count=F("answer_count") + delta)
    elif isinstance(item, Comment):
        if item.update_id:
            Update.objects.filter(pk=item.update_id).update(comment_count=F("comment_count") + delta)
        elif item.answer_id:
            Answer.objects.filter(pk=item.answer_id).update(comment_count=F("comment_count") + delta)


def set_moderation_state(item, state: str) -> None:
    """Move a post to another moderation state, counting it on its parent or not as it goes."""
    was_counted = item.moderation_state in COUNTED_STATES
    now_counted = state in COUNTED_STATES
    item.moderation_state = state
    item.save(update_fields=["moderation_state"])
    if was_counted != now_counted:
        parent_count_change(item, +1 if now_counted else -1)
