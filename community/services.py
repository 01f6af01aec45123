"""Writes to community content. Each function checks that the actor may act, changes data in one
transaction, and keeps the counters on the item in step with the rows they count."""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from accounts.images import reencode_picture
from accounts.models import TeamAddPolicy, User
from accounts.permissions import can_post, can_read_community, is_moderator
from community import notifications
from community.counters import COUNTED_STATES, parent_count_change
from community.models import (
    Answer,
    Block,
    Comment,
    HelpfulVote,
    Moderated,
    Question,
    QuestionFollow,
    Reaction,
    TeamMembership,
    Update,
)
from community.moderation.models import Appeal, Report
from community.moderation.screening import queue_if_needed, screen_new_post
from community.selectors import is_blocked_between, member_update_picture_names


class PostingLimitReached(ValidationError):
    pass


def _require_member(actor: User) -> None:
    if not can_read_community(actor):
        raise PermissionDenied("Only members with a verified email address can post.")
    if not can_post(actor):
        raise PermissionDenied("Your account is suspended: you can read, but not post, react or report.")


def _daily_count(author: User, kind: str, since) -> int:
    model = {"update": Update, "question": Question, "answer": Answer, "comment": Comment}[kind]
    return model.objects.filter(author=author, created_at__gte=since).count()


def _enforce_posting_limits(author: User, kind: str) -> None:
    """Counted from the database, so the limits hold across processes and machines."""
    now = timezone.now()
    seconds = settings.POSTING_MIN_INTERVAL_SECONDS
    # 0 turns the interval off: compared anyway, a post the same member's other request saved a
    # moment after `now` was refused with "wait 0 seconds".
    if seconds > 0:
        since = now - timedelta(seconds=seconds)
        recent = [
            m.objects.filter(author=author, created_at__gt=since).values("pk")
            for m in (Update, Question, Answer, Comment)
        ]
        if recent[0].union(*recent[1:], all=True).exists():
            raise PostingLimitReached(
                f"You are posting very quickly. Please wait {seconds} seconds between posts; "
                "what you wrote is still here."
            )
    is_new = author.date_joined > now - timedelta(days=settings.NEW_MEMBER_DAYS)
    limits = settings.DAILY_LIMITS_NEW_MEMBER if is_new else settings.DAILY_LIMITS_MEMBER
    if _daily_count(author, kind, now - timedelta(days=1)) >= limits[kind]:
        raise PostingLimitReached(
            f"You have reached today's limit of {limits[kind]} {kind}s. "
            "Please try again tomorrow; this keeps Kindred safe from spam."
        )


def _post(*, author: User, kind: str, text: str, make: Callable[[str], Moderated], notify=None) -> Moderated:
    """What every new post goes through, in this order: the posting limits; screening, which may
    refuse a duplicate or hold the post for a moderator; `make(moderation_state)`, which saves the
    row; its place in the review queue; `notify(post)`; and its count on its parent."""
    _enforce_posting_limits(author, kind)
    screening = screen_new_post(author=author, text=text)
    post = make(screening.state)
    queue_if_needed(item=post, screening=screening)
    if notify is not None:
        # A post waiting for a moderator notifies when approved (community/moderation/services.py).
        notify(post)
    if post.is_visible:
        # Last: the parent's row stays locked until commit, and every other answer or comment on
        # the same parent waits for it.
        parent_count_change(post, +1)
    return post


def _store_picture(upload):
    return reencode_picture(upload=upload, max_side=settings.UPDATE_PICTURE_SIZE)


@transaction.atomic(durable=True)
def update_create(*, author: User, text: str, picture=None, picture_alt: str = "") -> Update:
    _require_member(author)
    text = text.strip()
    if not text and not picture:
        raise ValidationError("An update needs text or a picture.")

    def make(state: str) -> Update:
        update = Update(
            author=author, text=text, picture_alt=picture_alt.strip() if picture else "", moderation_state=state
        )
        if picture:
            stored = _store_picture(picture)
            update.picture.save(stored.name, stored, save=False)
        update.save()
        return update

    return _post(author=author, kind="update", text=text, make=make)


@transaction.atomic(durable=True)
def update_edit(*, actor: User, update: Update, text: str, picture_alt: str = "") -> Update:
    if actor.pk != update.author_id:
        raise PermissionDenied("Only the author can edit an update.")
    text = text.strip()
    if not text and not update.picture:
        raise ValidationError("An update needs text or a picture.")
    update.text = text
    if update.picture:
        update.picture_alt = picture_alt.strip()
    update.edited_at = timezone.now()
    update.save(update_fields=["text", "picture_alt", "edited_at"])
    return update


@transaction.atomic(durable=True)
def update_delete(*, actor: User, update: Update) -> None:
    if actor.pk != update.author_id:
        raise PermissionDenied("Only the author can delete an update.")
    picture = update.picture.name if update.picture else ""
    update.delete()
    if picture:
        transaction.on_commit(lambda: default_storage.delete(picture))


def _comment_target_author(*, article=None, update=None, answer=None):
    if update is not None:
        return update.author_id
    if answer is not None:
        return answer.author_id
    return None


@transaction.atomic(durable=True)
def comment_create(
    *,
    author: User,
    text: str,
    article=None,
    update: Update | None = None,
    answer: Answer | None = None,
    parent: Comment | None = None,
) -> Comment:
    _require_member(author)
    text = text.strip()
    if not text:
        raise ValidationError("A comment needs some text.")
    target_author = _comment_target_author(article=article, update=update, answer=answer)
    if target_author and is_blocked_between(author, target_author):
        raise PermissionDenied("You cannot comment here.")
    if parent is not None:
        same_target = (parent.article_id, parent.update_id, parent.answer_id) == (
            getattr(article, "pk", None),
            getattr(update, "pk", None),
            getattr(answer, "pk", None),
        )
        if not same_target or parent.is_removed:
            raise ValidationError("That comment cannot be replied to.")
        # One level of replies: a reply to a reply joins the same thread.
        parent = parent.parent or parent
        if is_blocked_between(author, parent.author_id):
            raise PermissionDenied("You cannot reply to this comment.")
    return _post(
        author=author,
        kind="comment",
        text=text,
        make=lambda state: Comment.objects.create(
            author=author,
            text=text,
            article=article,
            update=update,
            answer=answer,
            parent=parent,
            moderation_state=state,
        ),
        notify=lambda comment: notifications.notify_reply(comment=comment),
    )


@transaction.atomic(durable=True)
def comment_delete(*, actor: User, comment: Comment) -> None:
    if actor.pk != comment.author_id and not is_moderator(actor):
        raise PermissionDenied("Only the author can delete a comment.")
    if comment.is_removed:
        return
    if comment.replies.exists():
        comment.is_removed = True
        comment.text = ""
        comment.save(update_fields=["is_removed", "text"])
    else:
        comment.delete()
    # A comment still waiting for a moderator, or already removed by one, was never (or is no
    # longer) counted on its parent.
    if comment.moderation_state in COUNTED_STATES:
        parent_count_change(comment, -1)


@transaction.atomic(durable=True)
def reaction_toggle(*, member: User, update: Update, kind: str) -> bool:
    """Add the reaction, or take it back if the member already gave it. Returns whether it is on."""
    _require_member(member)
    if kind not in Reaction.Kind.values:
        raise ValidationError("Unknown reaction.")
    if is_blocked_between(member, update.author_id):
        raise PermissionDenied("You cannot react to this update.")
    counter = f"{kind}_count"
    deleted, _ = Reaction.objects.filter(member=member, update=update, kind=kind).delete()
    if deleted:
        Update.objects.filter(pk=update.pk).update(**{counter: F(counter) - 1})
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(member=member, update=update, kind=kind)
    except IntegrityError:
        return True  # a double click raced us: the reaction is on, counted once
    Update.objects.filter(pk=update.pk).update(**{counter: F(counter) + 1})
    notifications.notify_reaction(update=update, member=member)
    return True


@transaction.atomic(durable=True)
def question_ask(*, author: User, title: str, details: str = "", topic=None, is_anonymous: bool = False) -> Question:
    _require_member(author)
    title = " ".join(title.split())
    if not Question.TITLE_MIN <= len(title) <= Question.TITLE_MAX:
        raise ValidationError(f"A question title needs {Question.TITLE_MIN} to {Question.TITLE_MAX} characters.")
    return _post(
        author=author,
        kind="question",
        text=f"{title}\n{details}",
        make=lambda state: Question.objects.create(
            author=author,
            title=title,
            details=details.strip(),
            topic=topic,
            is_anonymous=is_anonymous,
            moderation_state=state,
        ),
    )


@transaction.atomic(durable=True)
def answer_create(*, author: User, question: Question, text: str) -> Answer:
    _require_member(author)
    text = text.strip()
    if not text:
        raise ValidationError("An answer needs some text.")
    if is_blocked_between(author, question.author_id):
        raise PermissionDenied("You cannot answer this question.")
    return _post(
        author=author,
        kind="answer",
        text=text,
        make=lambda state: Answer.objects.create(question=question, author=author, text=text, moderation_state=state),
        notify=lambda answer: notifications.notify_answer(answer=answer),
    )


@transaction.atomic(durable=True)
def helpful_vote_toggle(*, member: User, answer: Answer) -> bool:
    _require_member(member)
    if member.pk == answer.author_id:
        raise ValidationError("You cannot mark your own answer as helpful.")
    deleted, _ = HelpfulVote.objects.filter(member=member, answer=answer).delete()
    delta = -1 if deleted else +1
    if not deleted:
        try:
            with transaction.atomic():
                HelpfulVote.objects.create(member=member, answer=answer)
        except IntegrityError:
            return True
    Answer.objects.filter(pk=answer.pk).update(helpful_count=F("helpful_count") + delta)
    Question.objects.filter(pk=answer.question_id).update(helpful_count=F("helpful_count") + delta)
    return not deleted


@transaction.atomic(durable=True)
def answer_accept(*, actor: User, answer: Answer) -> Answer:
    """The asker marks the answer that helped them most; choosing again moves the mark."""
    question = Question.objects.select_for_update().get(pk=answer.question_id)
    if actor.pk != question.author_id:
        raise PermissionDenied("Only the person who asked can choose the answer that helped most.")
    Answer.objects.filter(question=question, is_accepted=True).exclude(pk=answer.pk).update(is_accepted=False)
    answer.is_accepted = True
    answer.save(update_fields=["is_accepted"])
    return answer


@transaction.atomic(durable=True)
def team_add(*, member: User, teammate: User) -> TeamMembership:
    _require_member(member)
    if member.pk == teammate.pk:
        raise ValidationError("You are always on your own team.")
    if is_blocked_between(member, teammate.pk):
        raise PermissionDenied("You cannot add this member to your team.")
    # Their privacy settings: "who can add me to a team". An existing link stays until they block.
    if (
        teammate.profile.team_add_policy == TeamAddPolicy.NOBODY
        and not TeamMembership.objects.filter(member=member, teammate=teammate).exists()
    ):
        raise PermissionDenied("This member has chosen not to be added to teams.")
    membership, _ = TeamMembership.objects.get_or_create(member=member, teammate=teammate)
    return membership


@transaction.atomic(durable=True)
def team_remove(*, member: User, teammate: User) -> None:
    TeamMembership.objects.filter(member=member, teammate=teammate).delete()


@transaction.atomic(durable=True)
def member_block(*, blocker: User, blocked: User) -> Block:
    # Not _require_member: a suspended member may still protect themselves from someone.
    if not can_read_community(blocker):
        raise PermissionDenied("Only members can block.")
    if blocker.pk == blocked.pk:
        raise ValidationError("You cannot block yourself.")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    # A block ends the team link both ways.
    TeamMembership.objects.filter(member=blocker, teammate=blocked).delete()
    TeamMembership.objects.filter(member=blocked, teammate=blocker).delete()
    _forget_blocks(blocker, blocked)
    return block


@transaction.atomic(durable=True)
def member_unblock(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    _forget_blocks(blocker, blocked)


def _forget_blocks(*members: User) -> None:
    # selectors.blocked_member_ids keeps the list on the member object for the rest of the request.
    for member in members:
        member.__dict__.pop("_kindred_blocked", None)


@transaction.atomic(durable=True)
def question_follow_toggle(*, member: User, question: Question) -> bool:
    """Follow a question (its new answers come in the member's digest), or stop. Returns whether on."""
    if not can_read_community(member):
        raise PermissionDenied("Only members can follow questions.")
    if question.author_id == member.pk:
        raise ValidationError("You hear about answers to your own questions already.")
    deleted, _ = QuestionFollow.objects.filter(member=member, question=question).delete()
    if deleted:
        return False
    QuestionFollow.objects.get_or_create(member=member, question=question)
    return True


def member_content_erase(*, member: User, keep_answers_and_comments: bool, former_member: User) -> list[str]:
    """Delete what the member wrote, or keep their answers and comments under `former_member`.
    Counters on the items that stay are recomputed from the rows. Returns the storage names of
    the pictures to delete once the transaction commits. Runs inside the account deletion's
    transaction (accounts.services.account_delete)."""
    pictures = member_update_picture_names(member)

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

    _recount_after_erase(touched_updates, touched_answers, touched_questions)
    return pictures


def _recount_after_erase(update_ids, answer_ids, question_ids) -> None:
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
