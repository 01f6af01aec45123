"""Reads of community content, filtered to what the viewer may see. Every page that lists
member-written content goes through here, so the rules (members only, blocks) hold everywhere."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from accounts.models import Profile, User, Visibility
from accounts.permissions import can_read_community
from articles import selectors as article_selectors
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
from core.pagination import ListPage, list_page

FEED_SCOPES = ("all", "like_me", "team")
QUESTION_TABS = ("newest", "unanswered", "most_helpful")


def require_community_reader(viewer) -> None:
    if not can_read_community(viewer):
        raise PermissionDenied("Community content is for members.")


def is_blocked_between(member, other_id: int) -> bool:
    """Whether either of the two blocked the other, from `member`'s list of the request: posting a
    comment asked three times, for the same two members."""
    return other_id in blocked_member_ids(member)


def blocked_by(*, blocker_id: int | set[int], viewer_id: int) -> bool:
    """Whether the member (or any of the members) `blocker_id` blocked the viewer."""
    blockers = blocker_id if isinstance(blocker_id, set) else {blocker_id}
    return Block.objects.filter(blocker_id__in=blockers, blocked_id=viewer_id).exists()


def has_approved_post(member) -> bool:
    """Whether anything the member wrote is up for other members to read: until then, they count
    as new for the limits that keep spam out (messaging's daily conversations)."""
    visible = ModerationState.VISIBLE
    return any(
        model.objects.filter(author=member, moderation_state=visible).exists()
        for model in (Update, Question, Answer, Comment)
    )


def blocked_member_ids(viewer) -> list[int]:
    """Members the viewer blocked or who blocked the viewer: a short list, read once per request.

    As a subquery it joined every member to the block table on each use, and PostgreSQL then gave up
    the index that serves "newest first". The list is kept on the viewer object, which lives for one
    request."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    cached = getattr(viewer, "_kindred_blocked", None)
    if cached is None:
        pairs = Block.objects.filter(Q(blocker=viewer) | Q(blocked=viewer)).values_list("blocker_id", "blocked_id")
        cached = sorted({other for pair in pairs for other in pair if other != viewer.pk})
        viewer._kindred_blocked = cached
    return cached


def _unshown(model, shown: set[str], prefix: str) -> list[str]:
    return [f"{prefix}{f.name}" for f in model._meta.concrete_fields if not (f.primary_key or f.name in shown)]


# What a post's byline shows (community/_member_line.html): the name, the picture, and whether the
# account is still active. The search vectors, password hashes and profiles' health fields stay in
# the database: a page can show a few hundred bylines, and reading them costs time and needlessly
# carries health data through the process.
NOT_IN_BYLINE = (
    "search_vector",
    *_unshown(User, {"display_name", "is_active", "remembered_at"}, "author__"),
    *_unshown(Profile, {"user", "avatar"}, "author__profile__"),
)


def _with_author(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("author", "author__profile").defer(*NOT_IN_BYLINE)


def shown_to(viewer, *, under: str = "") -> Q:
    """Items others may see, plus the viewer's own items waiting for or under review (the author
    sees them labelled). Removed items are shown to nobody. `under` is the path to a related post
    ("question__"), whose state is then the one checked."""
    visible = Q(**{f"{under}moderation_state": ModerationState.VISIBLE})
    if viewer is not None and viewer.is_authenticated:
        mine = {
            f"{under}author": viewer,
            f"{under}moderation_state__in": [ModerationState.PENDING, ModerationState.HIDDEN],
        }
        visible |= Q(**mine)
    return visible


# The posts each kind hangs under, as paths from it: a post is out of reach wherever one of them is.
# A comment is on an update, an answer or an article; a reply is also under its parent comment.
HANGS_UNDER = {
    Update: (),
    Question: (),
    Answer: ("question",),
    Comment: ("update", "answer", "answer__question", "parent"),
}


def _reachable(model, viewer) -> Q:
    blocked = blocked_member_ids(viewer)
    rule = shown_to(viewer) & ~Q(author__in=blocked)
    for path in HANGS_UNDER[model]:
        shown = shown_to(viewer, under=f"{path}__")
        if path == "parent":
            # A removed comment stays in its thread as "Comment removed", and its replies still read.
            shown |= Q(parent__moderation_state=ModerationState.REMOVED)
        rule &= Q(**{f"{path}__isnull": True}) | (shown & ~Q(**{f"{path}__author__in": blocked}))
    if model is Comment:
        # The text of a comment its author deleted is gone; an article's comments live on its page.
        published = article_selectors.published_articles().values("pk")
        rule &= Q(is_removed=False) & (Q(article__isnull=True) | Q(article__in=published))
    return rule


def _reviewed(posts: QuerySet) -> QuerySet:
    # Lists and suggestions have no room for the "waiting for review" label of the viewer's own posts.
    return posts.filter(moderation_state=ModerationState.VISIBLE)


def open_to(model, *, viewer) -> QuerySet:
    """The posts of `model` (Update, Question, Answer or Comment) the viewer could open where they
    live: shown to the viewer, under posts all shown to the viewer, and none of them written by
    someone on either side of a block with the viewer. Search, suggestions, hubs, digests and
    reports go by this one rule; `authors_behind` is its block part for a post already read."""
    return model.objects.filter(_reachable(model, viewer))


def authors_behind(post) -> set[int]:
    """Who wrote the post and every post it hangs under (HANGS_UNDER): a block between the viewer
    and any of them puts the post out of the viewer's reach."""
    authors = {post.author_id}
    for path in HANGS_UNDER[type(post)]:
        above = post
        for step in path.split("__"):
            above = getattr(above, step) if above is not None else None
        if above is not None:
            authors.add(above.author_id)
    return authors


def _thread_comments(viewer) -> QuerySet:
    """Comments the viewer may see in a thread: none from either side of a block. A removed comment
    stays in its thread as "Comment removed" so the replies still read."""
    shown = shown_to(viewer) | Q(moderation_state=ModerationState.REMOVED)
    return Comment.objects.filter(shown).exclude(author__in=blocked_member_ids(viewer))


def feed_updates(*, viewer, scope: str = "all") -> QuerySet:
    """Updates for the activity feed, newest first. Paginate the result; each row needs no more queries."""
    require_community_reader(viewer)
    updates = _with_author(Update.objects.filter(shown_to(viewer))).exclude(author__in=blocked_member_ids(viewer))
    if scope == "team":
        updates = updates.filter(author__in=TeamMembership.objects.filter(member=viewer).values("teammate"))
    elif scope == "like_me":
        updates = updates.filter(author__in=members_like_viewer(viewer=viewer).values("pk"))
    return updates


@dataclass(frozen=True)
class UpdateOutline:
    """An update in the feed as plain values: what decides whether its cached HTML still holds
    (community/fragments.py). Model objects are built only for the updates that must be rendered
    again (`updates_to_render`), since their HTML is nearly always in the cache and building
    every update, its author and its profile on each request cost more than the rest of the page."""

    pk: int
    text: str
    edited_at: datetime | None
    picture: str
    picture_alt: str
    picture_width: int | None
    picture_height: int | None
    comment_count: int
    # One count per kind of reaction, in the order of Reaction.Kind.
    reaction_counts: tuple[int, ...]
    moderation_state: str
    moderator_note: str
    moderator_note_article_id: int | None
    author_id: int
    author_is_active: bool
    author_remembered_at: datetime | None
    author_display_name: str
    author_avatar: str
    created_at: datetime


_REACTION_COUNTS = tuple(f"{kind}_count" for kind in Reaction.Kind.values)
_UPDATE_OUTLINE_FIELDS = (
    *("id", "text", "edited_at", "picture", "picture_alt", "picture_width", "picture_height", "comment_count"),
    *_REACTION_COUNTS,
    *("moderation_state", "moderator_note", "moderator_note_article_id", "author_id"),
    *("author__is_active", "author__remembered_at", "author__display_name", "author__profile__avatar", "created_at"),
)


def _update_outline(row: tuple) -> UpdateOutline:
    counts_end = 8 + len(_REACTION_COUNTS)
    return UpdateOutline(*row[:8], tuple(row[8:counts_end]), *row[counts_end:])


def feed_page(*, viewer, scope: str = "all", number: int, size: int) -> ListPage:
    """One page of the feed (`feed_updates`) as outlines: `updates_to_render` gives the updates
    whose HTML must be rendered."""
    found = list_page(
        feed_updates(viewer=viewer, scope=scope).values_list(*_UPDATE_OUTLINE_FIELDS), number=number, size=size
    )
    found.object_list = [_update_outline(row) for row in found.object_list]
    return found


def updates_to_render(outlines: list[UpdateOutline]) -> list[Update | None]:
    """The updates the outlines name, with their authors, in one query; None for one deleted since."""
    updates = _with_author(Update.objects.filter(pk__in=[outline.pk for outline in outlines])).in_bulk()
    return [updates.get(outline.pk) for outline in outlines]


def members_like_viewer(*, viewer) -> QuerySet:
    """Members who share the viewer's diagnosis or one of the viewer's biomarkers, counting only
    what both left visible to members."""
    profile = viewer.profile
    same = Q(pk__in=[])
    if profile.diagnosis and profile.diagnosis not in ("other", "not_sure"):
        same |= Q(profile__diagnosis=profile.diagnosis, profile__diagnosis_visibility=Visibility.MEMBERS)
    biomarker_ids = list(profile.biomarkers.exclude(code="none_unknown").values_list("pk", flat=True))
    if biomarker_ids:
        same |= Q(profile__biomarkers__in=biomarker_ids, profile__biomarkers_visibility=Visibility.MEMBERS)
    # Members who chose not to be found (privacy settings), and those remembered, are left out.
    found = User.objects.filter(same, is_active=True, remembered_at=None, profile__discoverable=True)
    return found.exclude(pk=viewer.pk).distinct()


def viewer_reactions(*, viewer, updates) -> set[tuple[int, str]]:
    """(update id, kind) pairs the viewer has given, for one page of updates, in one query."""
    ids = [u.pk for u in updates]
    return set(Reaction.objects.filter(member=viewer, update_id__in=ids).values_list("update_id", "kind"))


def update_for_viewer(*, viewer, update_id: int) -> Update:
    require_community_reader(viewer)
    update = get_object_or_404(_with_author(Update.objects.filter(shown_to(viewer))), pk=update_id)
    if is_blocked_between(viewer, update.author_id):
        raise PermissionDenied("This update is not available to you.")
    return update


def _replies_prefetch(viewer) -> Prefetch:
    """The replies under top-level comments, as a list in `shown_replies` (replies go one level
    deep). A list, not the `replies` manager: Django builds a filtered queryset for every comment
    whose manager it fills, up to 50 on a page of comments."""
    return Prefetch("replies", queryset=_with_author(_thread_comments(viewer)), to_attr="shown_replies")


COMMENTS_PER_PAGE = 50


def comment_thread(*, viewer, page: int = 1, **target) -> ListPage:
    """One page of the top-level comments on one target, oldest first, with their replies
    prefetched (two queries in all). The busiest update of the scale data has 10,000 comments: in
    one piece its page took five seconds and weighed 14 MB."""
    require_community_reader(viewer)
    comments = (
        _with_author(_thread_comments(viewer).filter(parent__isnull=True, **target))
        .order_by("created_at", "id")
        .prefetch_related(_replies_prefetch(viewer))
    )
    return list_page(comments, number=page, size=COMMENTS_PER_PAGE)


def comment_page_query(*, viewer, comment: Comment) -> str:
    """The query string of the page that shows this comment ("" for the first): the page of top-level
    comments holding it or its parent, or, under an answer, the whole thread when it lies past the
    first COMMENTS_SHOWN. One query."""
    top = comment.parent or comment
    fields = ("article_id", "update_id", "answer_id")
    target = {name: getattr(top, name) for name in fields if getattr(top, name)}
    before = (
        _thread_comments(viewer)
        .filter(parent__isnull=True, **target)
        .filter(Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, id__lt=top.id))
        .count()
    )
    if top.answer_id:
        return answer_page_query(viewer=viewer, answer_id=top.answer_id, whole_thread=before >= COMMENTS_SHOWN)
    page = before // COMMENTS_PER_PAGE + 1
    return f"?page={page}" if page > 1 else ""


def article_comment_count(*, article) -> int:
    return Comment.objects.filter(article=article, is_removed=False, moderation_state=ModerationState.VISIBLE).count()


# What a row of a question list shows (the list, the hubs, the home page). The details, the search
# vector and the author's profile stay in the database, since a list row shows none of them and
# loading them was a large share of the list's time.
QUESTION_ROW_FIELDS = (
    "title",
    "slug",
    "answer_count",
    "helpful_count",
    "created_at",
    "is_anonymous",
    "topic__slug",
    "topic__name",
    "author__display_name",
)


def questions(*, tab: str = "newest", topic=None, viewer=None) -> QuerySet:
    """Question rows for lists. Titles and counts are public; authors are shown to members only.
    Given a signed-in viewer, questions from members on either side of a block are left out."""
    rows = _reviewed(open_to(Question, viewer=viewer)).select_related("author", "topic").only(*QUESTION_ROW_FIELDS)
    if topic is not None:
        rows = rows.filter(topic=topic)
    if tab == "unanswered":
        # Oldest first: the question that has waited longest is the one to answer.
        return rows.filter(answer_count=0).order_by("created_at", "id")
    if tab == "most_helpful":
        return rows.order_by("-helpful_count", "-answer_count", "-created_at")
    return rows.order_by("-created_at", "-id")


@dataclass(frozen=True)
class QuestionRowOutline:
    """A row of the question list as plain values, like `UpdateOutline`: `questions_to_render`
    builds questions only for the rows whose HTML is not in the cache."""

    # In the order of QUESTION_ROW_FIELDS.
    pk: int
    title: str
    slug: str
    answer_count: int
    helpful_count: int
    created_at: datetime
    is_anonymous: bool
    topic_slug: str | None
    topic_name: str | None
    author_display_name: str


def question_page(*, tab: str, topic, viewer, number: int, size: int) -> ListPage:
    """One page of the question list (`questions`) as outlines."""
    rows = questions(tab=tab, topic=topic, viewer=viewer).values_list("id", *QUESTION_ROW_FIELDS)
    found = list_page(rows, number=number, size=size)
    found.object_list = [QuestionRowOutline(*row) for row in found.object_list]
    return found


def questions_to_render(outlines: list[QuestionRowOutline]) -> list[Question | None]:
    """The questions the outlines name, as rows, in one query; None for one deleted since."""
    rows = Question.objects.select_related("author", "topic").only(*QUESTION_ROW_FIELDS)
    found = rows.in_bulk([outline.pk for outline in outlines])
    return [found.get(outline.pk) for outline in outlines]


def question_for_page(*, question_id: int, viewer=None) -> Question:
    """The question, or 404 for a viewer on either side of a block with its author. `followed`
    says whether the viewer follows it."""
    rows = _with_author(Question.objects.select_related("topic")).filter(shown_to(viewer))
    if viewer is not None and viewer.is_authenticated:
        rows = rows.exclude(author__in=blocked_member_ids(viewer)).annotate(
            followed=Exists(QuestionFollow.objects.filter(question=OuterRef("pk"), member=viewer))
        )
    return get_object_or_404(rows, pk=question_id)


ANSWERS_PER_PAGE = 10
COMMENTS_SHOWN = 3


def answer_page_query(*, viewer, answer_id: int, whole_thread: bool = False) -> str:
    """The query string of the question's page that shows this answer where it ranks now ("" for
    the first), with its whole comment thread open if asked. Two queries."""
    answer = Answer.objects.values("question_id", "is_accepted", "helpful_count", "created_at").get(pk=answer_id)
    # Answers come accepted first, then most helpful, then oldest (Answer.Meta.ordering).
    same = Q(is_accepted=answer["is_accepted"])
    ahead = (
        (Q(is_accepted=True) if not answer["is_accepted"] else Q(pk__in=[]))
        | (same & Q(helpful_count__gt=answer["helpful_count"]))
        | (same & Q(helpful_count=answer["helpful_count"], created_at__lt=answer["created_at"]))
        | (same & Q(helpful_count=answer["helpful_count"], created_at=answer["created_at"], id__lt=answer_id))
    )
    before = (
        Answer.objects.filter(shown_to(viewer), ahead, question_id=answer["question_id"])
        .exclude(author__in=blocked_member_ids(viewer))
        .count()
    )
    params = {}
    if (page := before // ANSWERS_PER_PAGE + 1) > 1:
        params["page"] = page
    if whole_thread:
        params["comments"] = answer_id
    return f"?{urlencode(params)}" if params else ""


@dataclass(frozen=True)
class CommentOutline:
    """A comment under an answer as the page shows it, read as plain values: what decides whether
    the answer's cached HTML still holds (community/fragments.py). Model objects are built only for
    the answers that must be rendered again (`fill_answer_threads`): on the busiest question, building
    them for every request was close to half of the page's time."""

    id: int
    text: str
    is_removed: bool
    parent_id: int | None
    moderation_state: str
    moderator_note: str
    moderator_note_article_id: int | None
    author_id: int
    author_is_active: bool
    author_remembered_at: datetime | None
    author_display_name: str
    author_avatar: str
    created_at: datetime
    replies: tuple["CommentOutline", ...] = ()


_OUTLINE_FIELDS = (
    "id",
    "text",
    "is_removed",
    "parent_id",
    "moderation_state",
    "moderator_note",
    "moderator_note_article_id",
    "author_id",
    "author__is_active",
    "author__remembered_at",
    "author__display_name",
    "author__profile__avatar",
    "created_at",
)


def _thread_outlines(*, viewer, answer_ids: list[int], whole_thread_of: int | None) -> dict[int, list[CommentOutline]]:
    """For each answer, its first COMMENTS_SHOWN + 1 top-level comments (all of them for
    `whole_thread_of`), oldest first, each with its replies. Two queries, three with a whole thread."""
    shown = _thread_comments(viewer)
    top = shown.filter(parent__isnull=True).order_by("created_at", "id")
    # Ranked without their authors, which are joined to the few rows kept: joined first, every
    # top-level comment of the page's answers was (173 rows for 40 on the busiest question).
    first = (
        top.filter(answer_id__in=answer_ids)
        .annotate(place=Window(RowNumber(), partition_by="answer_id", order_by=("created_at", "id")))
        .filter(place__lte=COMMENTS_SHOWN + 1)
        .values("id")
    )
    rows = list(
        Comment.objects.filter(pk__in=first).order_by("created_at", "id").values_list("answer_id", *_OUTLINE_FIELDS)
    )
    if sum(row[0] == whole_thread_of for row in rows) > COMMENTS_SHOWN:
        rows = [row for row in rows if row[0] != whole_thread_of]
        rows += top.filter(answer_id=whole_thread_of).values_list("answer_id", *_OUTLINE_FIELDS)
    replies = defaultdict(list)
    for row in shown.filter(parent_id__in=[row[1] for row in rows]).values_list(*_OUTLINE_FIELDS):
        replies[row[3]].append(CommentOutline(*row))
    threads = defaultdict(list)
    for answer_id, *fields in rows:
        threads[answer_id].append(CommentOutline(*fields, replies=tuple(replies[fields[0]])))
    return threads


def answers_for_viewer(*, viewer, question: Question, page: int = 1, all_comments_of: int | None = None) -> ListPage:
    """One page of answers with the outline of the start of their comment threads (the first
    COMMENTS_SHOWN comments and their replies; `more_comments` says when there are more) and the
    viewer's helpful votes marked, in a fixed number of queries. The answer `all_comments_of` shows
    its whole thread. `fill_answer_threads` gives the answers to be rendered their comments.

    A busy question (200 answers, 3,500 comments) took six seconds to render in one piece."""
    require_community_reader(viewer)
    answers = _with_author(
        question.answers.filter(shown_to(viewer)).exclude(author__in=blocked_member_ids(viewer))
    ).annotate(voted=Exists(HelpfulVote.objects.filter(answer=OuterRef("pk"), member=viewer)))
    found = list_page(answers, number=page, size=ANSWERS_PER_PAGE)
    outlines = _thread_outlines(
        viewer=viewer, answer_ids=[answer.pk for answer in found], whole_thread_of=all_comments_of
    )
    for answer in found:
        thread = outlines.get(answer.pk, [])
        answer.more_comments = len(thread) > COMMENTS_SHOWN and answer.pk != all_comments_of
        answer.thread_outline = tuple(thread[:COMMENTS_SHOWN] if answer.more_comments else thread)
    return found


def fill_answer_threads(answers: list[Answer]) -> list[Answer]:
    """Gives each answer `thread`: the comments its outline names, with their authors and
    `shown_replies`, in one query. A comment deleted since the outline was read is left out."""
    ids = [comment.id for answer in answers for top in answer.thread_outline for comment in (top, *top.replies)]
    comments = _with_author(Comment.objects.filter(pk__in=ids)).in_bulk() if ids else {}
    for answer in answers:
        answer.thread = []
        for top in answer.thread_outline:
            if (comment := comments.get(top.id)) is not None:
                comment.shown_replies = [comments[reply.id] for reply in top.replies if reply.id in comments]
                answer.thread.append(comment)
    return answers


def similar_questions(*, title: str, viewer, limit: int = 5) -> list[Question]:
    """Questions with a title like the one being typed, among those the viewer could open."""
    title = " ".join(title.split())
    if len(title) < 4:
        return []
    return list(
        _reviewed(open_to(Question, viewer=viewer))
        .annotate(similarity=TrigramSimilarity("title", title))
        .filter(similarity__gt=0.2)
        .order_by("-similarity")[:limit]
    )


def find_members(*, viewer, role="", diagnosis="", biomarker="", treatment="", location="") -> QuerySet:
    """Members like you: every filter matches only fields the member left visible to members, and
    only members who chose to appear here (privacy settings)."""
    require_community_reader(viewer)
    members = (
        User.objects.filter(is_active=True, remembered_at=None, profile__discoverable=True)
        .exclude(pk=viewer.pk)
        .exclude(pk__in=blocked_member_ids(viewer))
        .select_related("profile")
        .order_by("-date_joined", "-pk")
    )
    if role:
        members = members.filter(profile__role=role, profile__role_visibility=Visibility.MEMBERS)
    if diagnosis:
        members = members.filter(profile__diagnosis=diagnosis, profile__diagnosis_visibility=Visibility.MEMBERS)
    if biomarker:
        members = members.filter(profile__biomarkers__code=biomarker, profile__biomarkers_visibility=Visibility.MEMBERS)
    if treatment:
        members = members.filter(profile__treatments__code=treatment, profile__treatments_visibility=Visibility.MEMBERS)
    if location:
        members = members.filter(profile__location__icontains=location, profile__location_visibility=Visibility.MEMBERS)
    return members.distinct()


def team_relations(*, viewer, member) -> dict:
    return {
        "in_my_team": TeamMembership.objects.filter(member=viewer, teammate=member).exists(),
        "i_blocked": Block.objects.filter(blocker=viewer, blocked=member).exists(),
    }


def added_me(*, viewer) -> QuerySet:
    """Who added the viewer to their team: members see who follows them, and can block."""
    return User.objects.filter(team_memberships__teammate=viewer).select_related("profile").order_by("display_name")


# ---------------------------------------------------------------------------------------------
# Digests: read by accounts/digests.py for a whole batch of members at once, a fixed number of
# queries per batch whatever its size. Only what any member could open (`open_to` with no viewer);
# the caller leaves out, per member, each post with someone blocked behind it (`authors_behind`).


def digest_blocks(*, member_ids) -> dict[int, set[int]]:
    """For each member, the members on either side of a block with them."""
    pairs = Block.objects.filter(Q(blocker_id__in=member_ids) | Q(blocked_id__in=member_ids)).values_list(
        "blocker_id", "blocked_id"
    )
    blocks = defaultdict(set)
    for blocker_id, blocked_id in pairs:
        blocks[blocker_id].add(blocked_id)
        blocks[blocked_id].add(blocker_id)
    return blocks


# Unanswered questions read for one batch of digests, newest first: more than anyone is shown.
UNANSWERED_FOR_DIGEST = 300


def digest_unanswered_questions(*, since) -> list[Question]:
    """Visible questions nobody has answered yet, asked since `since`, with their topic's biomarker."""
    return list(
        open_to(Question, viewer=None)
        .filter(answer_count=0, created_at__gte=since)
        .select_related("topic")
        .only("id", "title", "slug", "details", "author_id", "created_at", "topic_id", "topic__biomarker_id")
        .order_by("-created_at", "-id")[:UNANSWERED_FOR_DIGEST]
    )


def digest_popular_questions(*, topic_ids, since, per_topic: int = 5) -> list[Question]:
    """The most helpful and most answered visible questions asked since `since`, per topic."""
    if not topic_ids:
        return []
    rows = (
        open_to(Question, viewer=None)
        .filter(topic_id__in=topic_ids, created_at__gte=since)
        .only("id", "title", "slug", "topic_id", "author_id", "answer_count", "helpful_count", "created_at")
        .order_by("topic_id", "-helpful_count", "-answer_count", "-created_at")
    )
    picked, seen = [], defaultdict(int)
    for question in rows.iterator(chunk_size=2000):
        if seen[question.topic_id] < per_topic:
            seen[question.topic_id] += 1
            picked.append(question)
    return picked


def digest_followed_questions(*, member_ids) -> dict[int, set[int]]:
    """member id -> ids of the questions that member follows."""
    followed: dict[int, set[int]] = defaultdict(set)
    for member_id, question_id in QuestionFollow.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "question_id"
    ):
        followed[member_id].add(question_id)
    return followed


def digest_new_answers(*, member_ids, since, followed_question_ids=()) -> list[Answer]:
    """Visible answers written since `since` to visible questions these members asked or follow."""
    answers = (
        open_to(Answer, viewer=None)
        .filter(
            Q(question__author_id__in=member_ids) | Q(question_id__in=list(followed_question_ids)),
            created_at__gte=since,
        )
        .select_related("question", "author")
        .only(
            "id",
            "created_at",
            "author_id",
            "author__display_name",
            "question__id",
            "question__title",
            "question__slug",
            "question__author_id",
        )
        .order_by("created_at", "id")
    )
    return [answer for answer in answers if answer.author_id != answer.question.author_id]


def digest_team_updates(*, member_ids, since) -> dict[int, list[Update]]:
    """For each member, visible updates their teammates posted since `since`, newest first."""
    teammates = defaultdict(set)
    for member_id, teammate_id in TeamMembership.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "teammate_id"
    ):
        teammates[teammate_id].add(member_id)
    if not teammates:
        return {}
    updates = (
        open_to(Update, viewer=None)
        .filter(author_id__in=list(teammates), created_at__gte=since)
        .select_related("author")
        .only("id", "created_at", "author_id", "author__display_name")
        .order_by("-created_at", "-id")
    )
    result = defaultdict(list)
    for update in updates:
        for member_id in teammates[update.author_id]:
            result[member_id].append(update)
    return result


def reactions_since(*, update, since, exclude_member_id: int) -> int:
    return Reaction.objects.filter(update=update, created_at__gte=since).exclude(member_id=exclude_member_id).count()


# A member's own content, for their data export (accounts.data_export)


def _when(value):
    return value.isoformat() if value else None


def member_content_for_export(member) -> dict:
    """Everything the member wrote or did in the community, as JSON-ready data for their own export:
    rows others may not see (removed, waiting for a moderator) included."""
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


def member_update_picture_names(member) -> list[str]:
    """Storage names of the pictures the member attached to updates."""
    return list(Update.objects.filter(author=member).exclude(picture="").values_list("picture", flat=True))
