"""Rendered HTML of the items members' pages repeat (updates in the feed, rows of the question list,
answers with the start of their threads), cached so that a busy page costs a few cache reads instead
of hundreds of template nodes. The feed and the question list read their items, and a question the
comments under its answers, as plain values (the selectors' outlines), which is all a fingerprint
needs; only what must be rendered again is read as model objects (each kind's `prepare`).

An item's HTML depends on the item and on who is looking: their own item or not, what they reacted
to or found helpful, whether they asked the question, the page's address (in "next" links) and the
"3 days ago" text (`age_step`). The cache key is a digest of all of that (an item's *fingerprint*) plus the
templates themselves, so any change to any of it is a new key: nothing is ever invalidated, stale
entries simply expire. The one per-request value in the HTML, the CSRF token, is rendered as a
placeholder and filled in on every read.

Each kind's fingerprint must name everything its template shows; tests/community/test_fragments.py
changes each of them and looks at the page again. A moderator note links a reviewed article by its
title: if staff rename that article, the old title may show for up to TIMEOUT.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template import Context
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from community.models import Reaction
from community.selectors import (
    CommentOutline,
    QuestionRowOutline,
    UpdateOutline,
    fill_answer_threads,
    questions_to_render,
    updates_to_render,
)

TIMEOUT = 60 * 60
CSRF_PLACEHOLDER = "__kindred_fragment_csrf__"


@dataclass(frozen=True)
class Kind:
    template_name: str
    variable: str
    # Everything the template shows, given the item and the page's context; None renders the item
    # without the cache (a form on the page holds what the member typed, say).
    fingerprint: Callable[[object, Context], tuple | None]
    # What to render for the items whose HTML is not in the cache, in their order, with what only
    # rendering needs read; None for an item gone since the page was read.
    prepare: Callable[[list], list] = lambda items: items


def templates_version() -> str:
    """A digest of every project template: a deploy that changes one starts new keys. Read once per
    process, except under DEBUG, where templates change while the development server runs."""
    return _templates_digest() if settings.DEBUG else _templates_digest_once()


def _templates_digest() -> str:
    digest = hashlib.sha256()
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_templates_digest_once = once(_templates_digest)


MINUTE, HOUR, DAY = 60, 60 * 60, 24 * 60 * 60


def age_step(created_at) -> tuple[str, int]:
    """What stands for an item's "3 days ago" text (timesince or naturaltime) in its fingerprint, at a
    fraction of the cost, since a busy page renders one such text per item. For a given
    `created_at`, both texts change only at whole minutes after it (whole seconds under a minute);
    from a day old they show hours at most, from a week days at most. The step changes at each of
    those moments, so a cached text never outlives its key."""
    age = int((timezone.now() - created_at).total_seconds())
    if age < MINUTE:
        return ("s", age)
    if age < DAY:
        return ("m", age // MINUTE)
    if age < 7 * DAY:
        return ("h", age // HOUR)
    return ("d", age // DAY)


def _member(member) -> tuple:
    return (member.pk, member.is_active, member.remembered_at, member.display_name, str(member.profile.avatar))


def _outline_author(item: UpdateOutline | CommentOutline) -> tuple:
    return (
        item.author_id,
        item.author_is_active,
        item.author_remembered_at,
        item.author_display_name,
        item.author_avatar,
    )


def _moderation(item) -> tuple:
    return (item.moderation_state, item.moderator_note, item.moderator_note_article_id)


def _viewer_pk(context: Context):
    return getattr(context.get("user"), "pk", None)


def _page(context: Context) -> str:
    return context["request"].get_full_path()


def _update(update: UpdateOutline, context: Context) -> tuple:
    reacted = context.get("reacted") or set()
    return (
        update.pk,
        update.text,
        update.edited_at,
        update.picture,
        update.picture_alt,
        update.picture_width,
        update.picture_height,
        update.comment_count,
        update.reaction_counts,
        *_moderation(update),
        _outline_author(update),
        age_step(update.created_at),
        update.author_id == _viewer_pk(context),
        tuple(kind for kind in Reaction.Kind.values if (update.pk, kind) in reacted),
        _page(context),
    )


def _comment(comment: CommentOutline, viewer_pk) -> tuple:
    return (
        comment.id,
        comment.text,
        comment.is_removed,
        comment.parent_id,
        *_moderation(comment),
        _outline_author(comment),
        age_step(comment.created_at),
        comment.author_id == viewer_pk,
        tuple(_comment(reply, viewer_pk) for reply in comment.replies),
    )


def _answer(answer, context: Context) -> tuple | None:
    if context["comment_form"].is_bound:
        return None
    question, viewer_pk = context["question"], _viewer_pk(context)
    return (
        answer.pk,
        answer.text,
        answer.is_accepted,
        answer.helpful_count,
        answer.comment_count,
        answer.more_comments,
        answer.voted,
        *_moderation(answer),
        _member(answer.author),
        age_step(answer.created_at),
        answer.author_id == viewer_pk,
        context.get("is_asker"),
        question.pk,
        question.slug,
        tuple(_comment(comment, viewer_pk) for comment in answer.thread_outline),
        _page(context),
    )


def _question_row(question: QuestionRowOutline, context: Context) -> tuple:
    return (
        question.pk,
        question.title,
        question.slug,
        question.answer_count,
        age_step(question.created_at),
        question.topic_slug and (question.topic_slug, question.topic_name),
        context.get("tab"),
        # Names are for members only; an anonymous question shows none.
        context.get("can_read") and (question.is_anonymous, question.author_display_name),
    )


KINDS = {
    "update": Kind("community/_update.html", "update", _update, prepare=updates_to_render),
    "question": Kind("community/_question_row.html", "question", _question_row, prepare=questions_to_render),
    "answer": Kind("community/_answer.html", "answer", _answer, prepare=fill_answer_threads),
}


def register(name: str, kind: Kind) -> None:
    """An app above community adds a kind of its own (messaging: messages and inbox rows), from its
    AppConfig.ready."""
    KINDS[name] = kind


def _key(kind_name: str, fingerprint: tuple) -> str:
    digest = hashlib.sha256(repr((templates_version(), fingerprint)).encode()).hexdigest()
    return f"fragment:{kind_name}:{digest}"


def render_items(context: Context, kind_name: str, items: Iterable) -> SafeString:
    """Each item's HTML, from the cache where it is there (one round trip for all of them)."""
    kind = KINDS[kind_name]
    template = context.template.engine.get_template(kind.template_name)
    keyed = []
    for item in items:
        fingerprint = kind.fingerprint(item, context)
        keyed.append((item, None if fingerprint is None else _key(kind_name, fingerprint)))
    found = cache.get_many([key for _, key in keyed if key])
    missing = [index for index, (_, key) in enumerate(keyed) if key not in found]
    # Nearly always nothing is missing, and even an empty queryset costs its building.
    to_render = dict(zip(missing, kind.prepare([keyed[i][0] for i in missing]), strict=True)) if missing else {}
    # Left lazy: reading the token sets the CSRF cookie, which a visitor's page must not carry, and
    # only items with a form (none of a visitor's) hold the placeholder.
    token = context.get("csrf_token", "")
    rendered, new = [], {}
    for index, (_, key) in enumerate(keyed):
        html = found.get(key) if key else None
        if html is None:
            if (shown := to_render[index]) is None:
                continue
            with context.push({kind.variable: shown, "csrf_token": CSRF_PLACEHOLDER if key else token}):
                html = template.render(context)
            if key:
                new[key] = html
        rendered.append(html.replace(CSRF_PLACEHOLDER, str(token)) if CSRF_PLACEHOLDER in html else html)
    if new:
        cache.set_many(new, TIMEOUT)
    return mark_safe("".join(rendered))  # noqa: S308 (rendered by the template engine, escaped there)
