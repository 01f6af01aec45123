"""Site search: articles for everyone; questions, answers, updates, comments and members for
signed-in members only. A post is found only where the viewer could open it (selectors.open_to,
the rule every other page goes by), and no member on either side of a block is listed.

Stored, trigger-maintained tsvectors with GIN indexes, websearch syntax, weighted ranking with an
exact-title boost (in SQL: see _ranked), highlighted snippets, synonyms from the treatment
catalogue and the synonym table, and "Did you mean" from trigram similarity.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import FloatField
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Profile, User, Visibility
from accounts.permissions import can_read_community
from articles import selectors as article_selectors
from articles.models import Article, Treatment
from community import selectors
from community.models import Answer, Comment, ModerationState, Question, Update
from core.db import planned_each_time

MAX_QUERY_LENGTH = 200
RESULTS_PER_KIND = 20
# "All" is a summary: the best few of each kind, each section linking to its own tab for the rest.
RESULTS_IN_ALL = 5
# How many of the newest matches of each kind are ranked (see _ranked). Articles are reviewed
# reference pages that stay useful for years: more of them are ranked. Among members' posts the
# newest matter most, and each of their tables is hundreds of times larger. "All" ranks fewer posts
# for its five of each kind: reading the candidates is most of what a search costs PostgreSQL
# (the newest 150 matches of "side effects" are among the newest 16,600 comments).
CANDIDATES = {"articles": 300, "posts": 150}
CANDIDATES_IN_ALL = {"articles": 300, "posts": 50}
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


def _has_phrase(query: str) -> bool:
    """Whether the member typed a phrase ("quoted words" or a hyphenated word) that the ranked
    statement looks for among the newest rows holding all its words (_ranked). A negated phrase
    (-"a b") does not count: loosening it would leave out rows that have both words apart. Synonyms
    of several words are left to the planner: OR-ed with what was typed, they rarely decide the plan,
    and bounding them would triple the cost of a plain NSCLC."""
    phrase = '"' in query or any("-" in word.strip("-") for word in WORD.findall(query))
    return phrase and '-"' not in query


@dataclass(frozen=True)
class _Search:
    query: str
    # The query and its other names (brand and generic drug names, abbreviations).
    terms: list[str]
    # Who is searching: posts are found only where they could open them.
    viewer: object = None
    phrase: bool = False
    # Results of each kind (of questions and of answers, say) at most, ranked among how many.
    limit: int = RESULTS_PER_KIND
    candidates: dict[str, int] = field(default_factory=lambda: CANDIDATES)


def _answers(count: int) -> str:
    return f"{count} answer{'' if count == 1 else 's'}"


# Article bodies are Markdown: their snippets leave out heading marks, emphasis and footnote markers.
MARKDOWN_MARKS = re.compile(r"\[\^\d+\]|(?m:^|(?<=\s))#{1,6}(?=\s)|\*{1,2}|(?<!\w)_{1,2}|_{1,2}(?!\w)")


def _without_markdown(text: str) -> str:
    return " ".join(MARKDOWN_MARKS.sub("", text or "").split())


def _highlight(text: str) -> SafeString:
    # ts_headline returns the stored text unescaped: escape all of it, then mark the matches.
    return mark_safe(escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


# Ranked search is written in SQL. Built through the ORM, its five nested statements (candidates,
# a union for exact titles, rank, snippet) cost about three quarters of a search's Python time to
# compose and compile, more than PostgreSQL took to run them.


@dataclass(frozen=True)
class _Table:
    """One kind of content for the ranked statement. In `visible`, `t` is a row of `model`; members'
    posts leave it empty and go by selectors.open_to. In `shown`, `s` is a row being shown (with
    `shown_joins`)."""

    model: type
    shown: str
    snippet: str
    visible: str = ""
    shown_joins: str = ""
    # A title equal to the query is always a candidate and ranks first; titles shorter than
    # `title_min` cannot be equal, so the lookup is skipped.
    title: str | None = None
    title_min: int = 0
    # Which entry of CANDIDATES (or CANDIDATES_IN_ALL) says how many newest matches are ranked.
    candidates: str = "posts"


_USER = User._meta.db_table
_QUESTION = Question._meta.db_table

ARTICLES = _Table(
    Article,
    # articles.selectors.published_articles()
    visible="t.status = %(published)s AND t.published_at <= %(now)s",
    shown="s.title, s.slug, s.summary",
    snippet="body",
    title="title",
    candidates="articles",
)
QUESTIONS = _Table(
    Question,
    shown="s.id, s.title, s.slug, s.answer_count",
    snippet="details",
    title="title",
    title_min=Question.TITLE_MIN,
)
ANSWERS = _Table(
    Answer,
    shown="s.id, q.id AS question_id, q.title, q.slug",
    shown_joins=f"JOIN {_QUESTION} q ON q.id = s.question_id",
    snippet="text",
)
UPDATES = _Table(
    Update,
    shown="s.id, u.display_name",
    shown_joins=f"JOIN {_USER} u ON u.id = s.author_id",
    snippet="text",
)
COMMENTS = _Table(
    Comment,
    shown="s.id, u.display_name, a.slug AS article_slug, s.update_id, s.answer_id, q.id AS question_id, q.slug",
    shown_joins=(
        f"JOIN {_USER} u ON u.id = s.author_id "
        f"LEFT JOIN {Article._meta.db_table} a ON a.id = s.article_id "
        f"LEFT JOIN {Answer._meta.db_table} ans ON ans.id = s.answer_id "
        f"LEFT JOIN {_QUESTION} q ON q.id = ans.question_id"
    ),
    snippet="text",
)


def _tsquery(search: _Search) -> str:
    """What the member typed, in websearch syntax ("quoted phrases", -excluded words, or), OR-ed
    with each of its other names as a phrase."""
    others = [f"phraseto_tsquery('english', %(other_name_{i})s)" for i in range(len(search.terms) - 1)]
    return "(" + " || ".join(["websearch_to_tsquery('english', %(query)s)", *others]) + ")"


def _all_words(tsquery: str) -> str:
    """The tsquery loosened to a superset of its matches that PostgreSQL estimates right.

    PostgreSQL estimates a phrase as if it were the AND of its words, so for a phrase of common
    words that rarely stand together it expects thousands of matches, reads the table newest first
    and ends up reading all of it. A hyphenated word (PD-L1) is a phrase of the whole word and its
    parts, which always come together, so multiplying their shares underestimates it by far and
    PostgreSQL reads every match to sort them. Loosened, a phrase chain that starts with a hyphenated
    word is that word alone, and every other "followed by" is AND.
    """
    return (
        f"regexp_replace(regexp_replace(({tsquery})::text, %(hyphen_chain)s, '\\1', 'g'), "
        "%(followed_by)s, '&', 'g')::tsquery"
    )


def _reachable(table: _Table, viewer) -> tuple[str, dict]:
    """`table.visible`, or for members' posts a condition on `t` from selectors.open_to: its SQL
    with the parameters named, since the ranked statement names all of its own."""
    if table.visible:
        return table.visible, {}
    rows = selectors.open_to(table.model, viewer=viewer).order_by().values("pk")
    sql, values = rows.query.sql_with_params()
    names = (f"reachable_{i}" for i in range(len(values)))
    sql = re.sub("%%|%s", lambda found: found[0] if found[0] == "%%" else f"%({next(names)})s", sql)
    return f"t.id IN ({sql})", {f"reachable_{i}": value for i, value in enumerate(values)}


def _parameters(search: _Search) -> dict:
    return {
        "query": search.query,
        **{f"other_name_{i}": name for i, name in enumerate(search.terms[1:])},
        "hyphen_chain": r"('[^']*-[^']*')( <(-|[0-9]+)> '[^']*')+",
        "followed_by": r"<(-|[0-9]+)>",
        "headline": f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15",
        "limit": search.limit,
        "published": Article.Status.PUBLISHED,
        "now": timezone.now(),
    }


def _ranked(table: _Table, search: _Search) -> list[dict]:
    """The `search.limit` best matches of `table` that the viewer may see, best first, each with
    what `table.shown` names and a highlighted snippet.

    Ranking and snippets read every matching row's vector and text, which for a common word on a
    large site means hundreds of thousands of rows, so only candidates are ranked: the newest
    `search.candidates[table.candidates]` matches (found from the indexes alone) and any row titled exactly as the
    query. A phrase is looked for only among the PHRASE_WINDOW newest rows holding all its words, so
    a phrase of common words costs a bounded read instead of a scan of the whole table. The best
    are chosen by rank alone, so that only the rows shown are joined and headlined.
    """
    name = table.model._meta.db_table
    tsquery = _tsquery(search)
    if search.phrase:
        # The exact query is checked row by row on the window: written as a CASE, which no index
        # answers, so that PostgreSQL cannot choose to read every match of a misestimated phrase.
        # ARRAY(...) reads the window once, before the scan, and its rows are then fetched by key. As an
        # IN (subquery), PostgreSQL could instead walk the table newest first down to the window's
        # oldest row, which for a common phrase is most of the table.
        window = f"SELECT id FROM {name} WHERE search_vector @@ {_all_words(tsquery)}"  # noqa: S608
        match = f"t.id = ANY(ARRAY({window} ORDER BY id DESC LIMIT {PHRASE_WINDOW}))"
        match += f" AND CASE WHEN t.search_vector @@ {tsquery} THEN true END"
    else:
        match = f"t.search_vector @@ {tsquery}"
    rank = f"ts_rank(t.search_vector, {tsquery})"
    if table.title:
        # Compared on the title alone (an indexed lookup), not the vector.
        title_is_query = f"UPPER(t.{table.title}::text) = UPPER(%(query)s)"
        rank += f" + CASE WHEN {title_is_query} THEN 1 ELSE 0 END"
    # Ranked as they are read: PostgreSQL computes the rank only of the rows the limit lets through.
    visible, reachable = _reachable(table, search.viewer)
    ranked = f"SELECT t.id, {rank} AS rank FROM {name} t WHERE {visible}"  # noqa: S608
    limit = search.candidates[table.candidates]
    candidates = f"({ranked} AND {match} ORDER BY t.id DESC LIMIT {limit})"
    if table.title and len(search.query) >= table.title_min:
        candidates += f" UNION ({ranked} AND {title_is_query} LIMIT {limit})"
    # Only this module's constants are written into the statement; what the member typed is a parameter.
    statement = f"""
        SELECT {table.shown},
               ts_headline('english', LEFT(s.{table.snippet}, {SNIPPET_SOURCE}), {tsquery}, %(headline)s) AS snippet
        FROM (SELECT id, rank FROM ({candidates}) c ORDER BY rank DESC, id DESC LIMIT %(limit)s) best
        JOIN {name} s ON s.id = best.id {table.shown_joins}
        ORDER BY best.rank DESC, best.id DESC
    """  # noqa: S608
    with planned_each_time(), connection.cursor() as cursor:
        cursor.execute(statement, _parameters(search) | reachable)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _question_url(question_id: int, slug: str) -> str:
    return Question(pk=question_id, slug=slug).get_absolute_url()


def _search_articles(search: _Search) -> list[Result]:
    return [
        Result(
            "articles",
            row["title"],
            Article(slug=row["slug"]).get_absolute_url(),
            _highlight(_without_markdown(row["snippet"])),
            row["summary"],
        )
        for row in _ranked(ARTICLES, search)
    ]


def _search_questions(search: _Search) -> list[Result]:
    found = [
        Result(
            "questions",
            row["title"],
            _question_url(row["id"], row["slug"]),
            _highlight(row["snippet"]),
            _answers(row["answer_count"]),
        )
        for row in _ranked(QUESTIONS, search)
    ]
    found += [
        Result(
            "questions",
            f"An answer to “{row['title']}”",
            f"{_question_url(row['question_id'], row['slug'])}#answer-{row['id']}",
            _highlight(row["snippet"]),
        )
        for row in _ranked(ANSWERS, search)
    ]
    return found


def _comment_target_url(row: dict) -> str:
    if row["article_slug"] is not None:
        return Article(slug=row["article_slug"]).get_absolute_url()
    if row["update_id"] is not None:
        return Update(pk=row["update_id"]).get_absolute_url()
    return f"{_question_url(row['question_id'], row['slug'])}#answer-{row['answer_id']}"


def _search_updates(search: _Search) -> list[Result]:
    found = [
        Result(
            "updates",
            f"An update from {row['display_name']}",
            Update(pk=row["id"]).get_absolute_url(),
            _highlight(row["snippet"]),
        )
        for row in _ranked(UPDATES, search)
    ]
    found += [
        Result(
            "updates",
            f"A comment from {row['display_name']}",
            f"{_comment_target_url(row)}#comment-{row['id']}",
            _highlight(row["snippet"]),
        )
        for row in _ranked(COMMENTS, search)
    ]
    return found


def _word_starts(terms: list[str]) -> str:
    """A tsquery (as text) in which every word of a term must start a word (`marg` finds
    Margaret); any term will do. Only letters and digits reach the query, so nothing typed can
    break its syntax."""
    alternatives = []
    for term in terms:
        words = [re.sub(r"[\W_]+", "", word) for word in WORD.findall(term.lower())]
        if words := [word for word in words if word]:
            alternatives.append("(" + " & ".join(f"{word}:*" for word in words) + ")")
    return " | ".join(alternatives)


# Names and locations are matched in their own tables and joined by UNION, so that each lookup can
# use its own index (accounts migration 0011, on exactly these expressions); one OR across the two
# tables reads every member and profile.
_MEMBERS = f"""
    SELECT u.id, u.display_name, p.location, p.location_visibility
    FROM {_USER} u JOIN {Profile._meta.db_table} p ON p.user_id = u.id
    WHERE u.id IN (
        SELECT id FROM {_USER}
        WHERE to_tsvector('simple'::regconfig, COALESCE(display_name, '')::text) @@ to_tsquery('simple', %(starts)s)
        UNION
        SELECT user_id FROM {Profile._meta.db_table}
        WHERE to_tsvector('simple'::regconfig, COALESCE(location, '')::text) @@ to_tsquery('simple', %(starts)s)
          AND location_visibility = %(shared)s
    )
    AND u.is_active AND u.banned_at IS NULL AND u.remembered_at IS NULL AND p.discoverable
    AND NOT (u.id = ANY(%(blocked)s))
    ORDER BY u.display_name LIMIT %(limit)s
"""  # noqa: S608


def _search_members(search: _Search) -> list[Result]:
    starts = _word_starts(search.terms)
    if not starts:
        return []
    blocked = selectors.blocked_member_ids(search.viewer)
    parameters = {"starts": starts, "shared": Visibility.MEMBERS, "blocked": blocked, "limit": search.limit}
    with planned_each_time(), connection.cursor() as cursor:
        cursor.execute(_MEMBERS, parameters)
        rows = cursor.fetchall()
    return [
        Result(
            "members",
            name,
            User(pk=pk).get_absolute_url(),
            meta=location if visibility == Visibility.MEMBERS else "",
        )
        for pk, name, location, visibility in rows
    ]


def did_you_mean(query: str) -> str:
    """Swap each unknown word for the closest drug name or brand (pg_trgm), or else the closest word
    of a published article's title."""
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
        viewer=viewer,
        phrase=_has_phrase(query),
        limit=RESULTS_IN_ALL if kind == "all" else RESULTS_PER_KIND,
        candidates=CANDIDATES_IN_ALL if kind == "all" else CANDIDATES,
    )
    member = can_read_community(viewer)
    if kind in ("all", "articles"):
        outcome.results["articles"] = _search_articles(found)
    if member:
        if kind in ("all", "questions"):
            outcome.results["questions"] = _search_questions(found)
        if kind in ("all", "updates"):
            outcome.results["updates"] = _search_updates(found)
        if kind in ("all", "members"):
            outcome.results["members"] = _search_members(found)
    else:
        outcome.members_only_hidden = True
    if kind == "all":
        outcome.more = [name for name, rows in outcome.results.items() if len(rows) >= RESULTS_IN_ALL]
    if outcome.total < 3:
        outcome.suggestion = did_you_mean(query)
    return outcome
