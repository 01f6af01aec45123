"""Site search: articles for everyone; questions, answers, updates, comments and members for
signed-in members only, with the same visibility rules as every other page (visible items only,
nobody on either side of a block).

PostgreSQL: stored, trigger-maintained tsvectors with GIN indexes, websearch syntax, weighted
ranking with an exact-title boost, highlighted snippets, synonyms from the treatment catalogue and
the synonym table, and "Did you mean" from trigram similarity. SQLite (local runs): a plain
case-insensitive text match with the same synonyms and no snippets or suggestions.
"""

import re
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Greatest, Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from accounts.models import Profile, User, Visibility
from accounts.permissions import can_read_community
from articles import selectors as article_selectors
from articles.models import Article, Treatment
from community import selectors
from community.models import Answer, Comment, ModerationState, Question, Update

MAX_QUERY_LENGTH = 200
RESULTS_PER_KIND = 20
# "All" is a summary: the best few of each kind, each section linking to its own tab for the rest.
RESULTS_IN_ALL = 5
# How many of the newest matches of each kind are ranked (see _candidates). Articles are reviewed
# reference pages that stay useful for years: more of them are ranked. Among members' posts the
# newest matter most, and each of their tables is hundreds of times larger.
CANDIDATES = {"articles": 300, "posts": 150}
# A query with a phrase is looked for among this many of the newest rows holding all its words.
PHRASE_WINDOW = 1000
# Snippets come from the start of a text: headlining whole long texts (every word parsed and
# stemmed) cost more than finding and ranking the matches.
SNIPPET_SOURCE = 1000
KINDS = ("all", "articles", "questions", "updates", "members")
# Markers no one types, swapped for <mark> only after everything else is escaped.
START, STOP = "\x02", "\x03"
WORD = re.compile(r"[\w-]+", re.UNICODE)


@dataclass
class Result:
    kind: str
    title: str
    url: str
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))
    meta: str = ""


@dataclass
class SearchOutcome:
    query: str
    kind: str
    results: dict[str, list[Result]]
    expanded: list[str]
    suggestion: str = ""
    members_only_hidden: bool = False
    # Sections of the "all" summary that may hold more than they show: each links to its own tab.
    more: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.results.values())


def clean_query(raw: str) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def expansions(query: str) -> list[str]:
    """Other names for what the member typed: brand ↔ generic drug names and abbreviations."""
    vocabulary = article_selectors.search_vocabulary()
    words = list(dict.fromkeys(w.lower() for w in WORD.findall(query)))
    found = [name for word in words for name in vocabulary.get(word, []) if name.lower() not in words]
    return list(dict.fromkeys(found))


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _ts_query(query: str, alternatives: list[str]) -> SearchQuery:
    combined = SearchQuery(query, search_type="websearch", config="english")
    for alternative in alternatives:
        combined |= SearchQuery(alternative, search_type="phrase", config="english")
    return combined


class _AllWords(SearchQuery):
    """A tsquery loosened to a superset of its matches that PostgreSQL estimates right.

    PostgreSQL estimates a phrase as if it were the AND of its words, so for a phrase of common
    words that rarely stand together it expects thousands of matches, reads the table newest first
    and ends up reading all of it. A hyphenated word (PD-L1) is a phrase of the whole word and its
    parts, which always come together, so multiplying their shares underestimates it by far and
    PostgreSQL reads every match to sort them. Loosened, a phrase chain that starts with a hyphenated
    word is that word alone, and every other "followed by" is AND. (A SearchQuery, wrapping the exact
    query, so that `search_vector=` takes it as a query.)
    """

    template = (
        "regexp_replace(regexp_replace((%(expressions)s)::text, "
        "'(''[^'']*-[^'']*'')( <(-|[0-9]+)> ''[^'']*'')+', '\\1', 'g'), '<(-|[0-9]+)>', '&', 'g')::tsquery"
    )


def _loosened(query: str, ts_query: SearchQuery) -> _AllWords | None:
    """The loosened query when the member typed a phrase ("quoted words" or a hyphenated word), or
    None. A negated phrase (-"a b") keeps the exact query: loosening it would leave out rows that
    have both words apart. Synonyms of several words are left to the planner: OR-ed with what was
    typed, they rarely decide the plan, and bounding them would triple the cost of a plain NSCLC."""
    has_phrase = '"' in query or any("-" in word.strip("-") for word in WORD.findall(query))
    if not has_phrase or '-"' in query:
        return None
    return _AllWords(ts_query)


@dataclass(frozen=True)
class _Search:
    query: str
    # What the text match looks for on SQLite: the query and its other names.
    terms: list[str]
    # PostgreSQL only (None on SQLite).
    ts_query: SearchQuery | None = None
    loose: _AllWords | None = None
    # Results of each kind (of questions and of answers, say) at most.
    limit: int = RESULTS_PER_KIND


def _answers(count: int) -> str:
    return f"{count} answer{'' if count == 1 else 's'}"


def _short(text: str) -> str:
    return Truncator(text).words(25)


# Article bodies are Markdown: their snippets leave out heading marks, emphasis and footnote markers.
MARKDOWN_MARKS = re.compile(r"\[\^\d+\]|(?m:^|(?<=\s))#{1,6}(?=\s)|\*{1,2}|(?<!\w)_{1,2}|_{1,2}(?!\w)")


def _without_markdown(text: str) -> str:
    return " ".join(MARKDOWN_MARKS.sub("", text or "").split())


def _highlight(text: str) -> SafeString:
    # SearchHeadline returns the stored text unescaped: escape all of it, then mark the matches.
    return mark_safe(escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _headline(field_name: str, ts_query: SearchQuery) -> SearchHeadline:
    return SearchHeadline(
        Left(field_name, SNIPPET_SOURCE),
        ts_query,
        config="english",
        start_sel=START,
        stop_sel=STOP,
        max_words=35,
        min_words=15,
    )


def _text_match(fields: list[str], terms: list[str]) -> Q:
    match = Q()
    for term in terms:
        for name in fields:
            match |= Q(**{f"{name}__icontains": term})
    return match


def _candidates(queryset, search: _Search, title_field: str | None, title_min: int, limit: int) -> Q:
    """The rows worth ranking: the `limit` newest matches plus any whose title is the query.

    Ranking and snippets read every matching row's vector and text, which for a common word on a
    large site means hundreds of thousands of rows; the newest matches are found from the indexes
    alone, so only they are ranked. Exact title matches (which the rank boosts to the top) are always
    kept. Below `limit` matches every match is ranked.

    A phrase is looked for only among the PHRASE_WINDOW newest rows that hold all its words, so a
    phrase of common words costs a bounded read instead of a scan of the whole table.
    """
    if search.loose is None:
        matches = queryset.filter(search_vector=search.ts_query)
    else:
        recent = queryset.model.objects.filter(search_vector=search.loose).order_by("-pk").values("pk")
        # The exact query is checked row by row on those rows: written as a CASE, which no index
        # answers, so that PostgreSQL cannot choose to read every match of a misestimated phrase.
        exact = Case(When(search_vector=search.ts_query, then=Value(True)), default=Value(False))
        matches = queryset.filter(exact, pk__in=recent[:PHRASE_WINDOW])
    keep = matches.order_by("-pk").values("pk")[:limit]
    # Titles shorter than the model allows cannot equal the query: skip a lookup that finds nothing.
    # The title alone is compared (an indexed lookup), not the vector: a title that is exactly what
    # the member typed is worth showing.
    if title_field and len(search.query) >= title_min:
        keep = keep.union(queryset.filter(**{f"{title_field}__iexact": search.query}).order_by().values("pk")[:limit])
    return Q(pk__in=keep)


def _ranked(
    visible,
    shown,
    search: _Search,
    title_field: str | None,
    snippet_field: str,
    title_min: int = 0,
    limit: int = CANDIDATES["posts"],
):
    """The `search.limit` best of the candidates from `visible`, read through `shown` (what a
    result displays), with rank and snippet. Visibility is applied once, to the candidates."""
    rank = SearchRank(F("search_vector"), search.ts_query)
    if title_field:
        rank = rank + Case(When(**{f"{title_field}__iexact": search.query}, then=Value(1.0)), default=Value(0.0))
    # The candidates already match: filtering the vector again here would make PostgreSQL read every
    # match through the index instead of fetching the candidates by primary key. The best are chosen
    # by rank alone first, so that only the rows shown are joined to what they link to and headlined.
    best = (
        visible.model.objects.filter(_candidates(visible, search, title_field, title_min, limit))
        .annotate(rank=rank)
        .order_by("-rank", "-pk")
        .values("pk")[: search.limit]
    )
    return (
        shown.filter(pk__in=best)
        .annotate(rank=rank, snippet=_headline(snippet_field, search.ts_query))
        .order_by("-rank", "-pk")
    )


def _search_articles(search: _Search) -> list[Result]:
    articles = article_selectors.published_articles()
    if search.ts_query is not None:
        rows = _ranked(
            articles,
            Article.objects.only("title", "slug", "summary"),
            search,
            "title",
            "body",
            limit=CANDIDATES["articles"],
        )
        return [
            Result("articles", a.title, a.get_absolute_url(), _highlight(_without_markdown(a.snippet)), a.summary)
            for a in rows
        ]
    rows = articles.filter(_text_match(["title", "summary", "body"], search.terms)).order_by("-published_at")
    return [Result("articles", a.title, a.get_absolute_url(), meta=a.summary) for a in rows[: search.limit]]


def _visible_to(blocked: list[int], queryset):
    return queryset.filter(moderation_state=ModerationState.VISIBLE).exclude(author__in=blocked)


def _search_questions(blocked, search: _Search) -> list[Result]:
    questions = _visible_to(blocked, Question.objects.all())
    answers = _visible_to(blocked, Answer.objects.select_related("question")).filter(
        question__moderation_state=ModerationState.VISIBLE
    )
    if search.ts_query is not None:
        shown_questions = Question.objects.only("title", "slug", "answer_count")
        shown_answers = Answer.objects.select_related("question").only("question__title", "question__slug")
        found = [
            Result("questions", q.title, q.get_absolute_url(), _highlight(q.snippet), _answers(q.answer_count))
            for q in _ranked(questions, shown_questions, search, "title", "details", Question.TITLE_MIN)
        ]
        found += [
            Result("questions", f"An answer to “{a.question.title}”", a.get_absolute_url(), _highlight(a.snippet))
            for a in _ranked(answers, shown_answers, search, None, "text")
        ]
        return found
    rows = questions.filter(_text_match(["title", "details"], search.terms)).order_by("-created_at")
    found = [
        Result("questions", q.title, q.get_absolute_url(), meta=_answers(q.answer_count)) for q in rows[: search.limit]
    ]
    answer_rows = answers.filter(_text_match(["text"], search.terms)).order_by("-created_at")[: search.limit]
    found += [
        Result("questions", f"An answer to “{a.question.title}”", a.get_absolute_url(), meta=_short(a.text))
        for a in answer_rows
    ]
    return found


def _search_updates(blocked, search: _Search) -> list[Result]:
    updates = _visible_to(blocked, Update.objects.select_related("author"))
    comments = _visible_to(
        blocked, Comment.objects.select_related("author", "article", "update", "answer__question")
    ).filter(is_removed=False)
    if search.ts_query is not None:
        # Only what a result shows: rows joined in for a link would otherwise bring their whole text
        # and search vector along.
        shown_updates = Update.objects.select_related("author").only("author__display_name")
        shown_comments = Comment.objects.select_related("author", "article", "update", "answer__question").only(
            "author__display_name", "article__slug", "update__id", "answer__question__title", "answer__question__slug"
        )
        update_rows = _ranked(updates, shown_updates, search, None, "text")
        comment_rows = _ranked(comments, shown_comments, search, None, "text")
        snippets = {id(row): _highlight(row.snippet) for row in [*update_rows, *comment_rows]}
    else:
        update_rows = updates.filter(_text_match(["text"], search.terms)).order_by("-created_at")[: search.limit]
        comment_rows = comments.filter(_text_match(["text"], search.terms)).order_by("-created_at")[: search.limit]
        snippets = {}
    found = [
        Result(
            "updates",
            f"An update from {u.author.display_name}",
            u.get_absolute_url(),
            snippets.get(id(u), mark_safe("")),
            "" if id(u) in snippets else _short(u.text),
        )
        for u in update_rows
    ]
    for c in comment_rows:
        target = c.target
        if target is None:
            continue
        found.append(
            Result(
                "updates",
                f"A comment from {c.author.display_name}",
                f"{target.get_absolute_url()}#comment-{c.pk}",
                snippets.get(id(c), mark_safe("")),
                "" if id(c) in snippets else _short(c.text),
            )
        )
    return found


def _word_starts(terms: list[str]) -> SearchQuery:
    """A tsquery in which every word of a term must start a word (`marg` finds Margaret); any
    term will do. Only letters and digits reach the query, so nothing typed can break its syntax."""
    alternatives = []
    for term in terms:
        words = [re.sub(r"[\W_]+", "", word) for word in WORD.findall(term.lower())]
        if words := [word for word in words if word]:
            alternatives.append("(" + " & ".join(f"{word}:*" for word in words) + ")")
    return SearchQuery(" | ".join(alternatives), search_type="raw", config="simple")


def _words_of(field_name: str) -> SearchVector:
    # The expression accounts migration 0011 indexes.
    return SearchVector(field_name, config="simple")


def _search_members(blocked, search: _Search) -> list[Result]:
    # Names and locations are matched in their own tables and joined by UNION, so that each lookup
    # can use its own index (accounts migration 0011); one OR across the two tables reads every
    # member and profile.
    if search.ts_query is not None:
        starts = _word_starts(search.terms)
        by_name = User.objects.annotate(words=_words_of("display_name")).filter(words=starts).values("pk")
        by_location = (
            Profile.objects.annotate(words=_words_of("location"))
            .filter(words=starts, location_visibility=Visibility.MEMBERS)
            .values("user_id")
        )
    else:
        by_name = User.objects.filter(_text_match(["display_name"], search.terms)).values("pk")
        by_location = Profile.objects.filter(
            _text_match(["location"], search.terms), location_visibility=Visibility.MEMBERS
        ).values("user_id")
    rows = (
        User.objects.filter(
            pk__in=by_name.union(by_location), is_active=True, banned_at__isnull=True, profile__discoverable=True
        )
        .exclude(pk__in=blocked)
        .select_related("profile")
        .only("display_name", "profile__location", "profile__location_visibility")
        .order_by("display_name")[: search.limit]
    )
    return [
        Result(
            "members",
            m.display_name,
            m.get_absolute_url(),
            meta=m.profile.location if m.profile.location_visibility == Visibility.MEMBERS else "",
        )
        for m in rows
    ]


def did_you_mean(query: str) -> str:
    """Swap each unknown word for the closest drug name or brand (pg_trgm), or else the closest word
    of a published article's title."""
    if not _postgres():
        return ""
    changed = False
    words = []
    for word in WORD.findall(query)[:8]:
        if len(word) < 4 or _known_word(word):
            words.append(word)
            continue
        replacement = _closest_drug_name(word) or _closest_title_word(word) or word
        changed |= replacement.lower() != word.lower()
        words.append(replacement)
    return " ".join(words) if changed else ""


def _closest_drug_name(word: str) -> str:
    best = (
        Treatment.objects.annotate(
            similarity=Greatest(
                TrigramSimilarity("generic_name", word),
                TrigramWordSimilarity(word, "brand_names"),
                output_field=FloatField(),
            )
        )
        .filter(similarity__gt=0.5)
        .order_by("-similarity")
        .first()
    )
    if best is None or word.lower() in [name.lower() for name in best.names]:
        return ""
    # The generic name, unless the word was closer to one of the brands.
    return max(best.names, key=lambda name: _trigram_overlap(word.lower(), name.lower()))


def _closest_title_word(word: str) -> str:
    # pg_trgm's own default threshold is 0.3; at 0.4 "fatige" still finds "fatigue" (0.5).
    scored = ((_trigram_overlap(word.lower(), known), known) for known in article_selectors.title_words())
    similarity, closest = max(scored, default=(0.0, ""))
    return closest if similarity >= 0.4 else ""


def _known_word(word: str) -> bool:
    """A word that published articles or questions already use is not a typo."""
    query = SearchQuery(word, search_type="plain", config="english")
    return (
        article_selectors.published_articles().filter(search_vector=query).exists()
        or Question.objects.filter(moderation_state=ModerationState.VISIBLE, search_vector=query).exists()
    )


def _trigram_overlap(a: str, b: str) -> float:
    def grams(s: str) -> set[str]:
        padded = f"  {s} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / max(1, len(ga | gb))


def search(*, viewer, raw_query: str, kind: str = "all") -> SearchOutcome:
    query = clean_query(raw_query)
    kind = kind if kind in KINDS else "all"
    outcome = SearchOutcome(query=query, kind=kind, results={}, expanded=[])
    if not WORD.search(query):
        return outcome
    outcome.expanded = expansions(query)
    found = _Search(
        query=query,
        terms=[query, *outcome.expanded],
        limit=RESULTS_IN_ALL if kind == "all" else RESULTS_PER_KIND,
    )
    if _postgres():
        ts_query = _ts_query(query, outcome.expanded)
        found = replace(found, ts_query=ts_query, loose=_loosened(query, ts_query))
    member = can_read_community(viewer)
    if kind in ("all", "articles"):
        outcome.results["articles"] = _search_articles(found)
    if member:
        blocked = selectors.blocked_member_ids(viewer)
        if kind in ("all", "questions"):
            outcome.results["questions"] = _search_questions(blocked, found)
        if kind in ("all", "updates"):
            outcome.results["updates"] = _search_updates(blocked, found)
        if kind in ("all", "members"):
            outcome.results["members"] = _search_members(blocked, found)
    else:
        outcome.members_only_hidden = True
    if kind == "all":
        outcome.more = [name for name, rows in outcome.results.items() if len(rows) >= RESULTS_IN_ALL]
    if outcome.total < 3:
        outcome.suggestion = did_you_mean(query)
    return outcome
