from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.conf import settings
from django.urls import reverse

from accounts.permissions import can_read_community
from community import fragments, selectors
from community.forms import CommentForm
from community.models import Reaction
from community.text import render_member_text, render_member_text_without_links
from core.pagination import page_number

register = template.Library()

REACTION_LABELS = {"hug": "Send a hug", "like": "Like", "thanks": "Say thanks"}


@register.filter
def member_text(text: str):
    return render_member_text(text or "")


@register.filter
def member_text_unlinked(text: str):
    return render_member_text_without_links(text or "")


# (form class, prefix, auto_id, field name) -> HTML of that field left empty on an unbound form.
_EMPTY_FIELDS = {}


@register.filter
def shared_crispy_field(field):
    """`as_crispy_field` for a form whose fields are the same on every request (no choices or
    attributes set per member). Left empty on an unbound form, the field's HTML is the same for
    everyone, so each process renders it once: crispy's templates were a fifth of the activity
    feed's time. A field holding text (what the member wrote, with its errors) renders each time."""
    form = field.form
    if form.is_bound or field.value() not in (None, "") or settings.DEBUG:
        return as_crispy_field(field)
    key = (type(form), form.prefix, form.auto_id, field.name)
    if key not in _EMPTY_FIELDS:
        _EMPTY_FIELDS[key] = as_crispy_field(field)
    return _EMPTY_FIELDS[key]


@register.simple_tag(takes_context=True)
def cached_items(context, kind: str, items):
    """Render each item of a list with its kind's template, through the fragment cache."""
    return fragments.render_items(context, kind, items)


@register.simple_tag
def reaction_buttons(update, reacted):
    return [
        {
            "kind": kind,
            "label": label,
            "short": Reaction.Kind(kind).label,
            "count": getattr(update, f"{kind}_count"),
            "on": (update.pk, kind) in reacted,
        }
        for kind, label in REACTION_LABELS.items()
    ]


@register.simple_tag
def question_author(question, viewer) -> str:
    """Names are for members who may read the community; anonymous questions are "A Kindred member"
    to everyone here."""
    if question.is_anonymous or not can_read_community(viewer):
        return "A Kindred member"
    return question.author.display_name


@register.inclusion_tag("community/_article_comments.html", takes_context=True)
def article_comments(context, article):
    """The comment section under an article: the thread for members, a count and an
    invitation for visitors (who never see members' words or names)."""
    request = context["request"]
    can_read = can_read_community(request.user)
    comments = (
        selectors.comment_thread(viewer=request.user, page=page_number(request), article=article) if can_read else []
    )
    if can_read and not comments.has_other_pages:
        count = sum((not c.is_removed) + sum(not r.is_removed for r in c.shown_replies) for c in comments)
    else:
        count = selectors.article_comment_count(article=article)
    return {
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "article": article,
        "can_read": can_read,
        "comments": comments,
        "comment_count": count,
        "comment_form": CommentForm(),
        "post_url": reverse("article_comment", args=[article.slug]),
        "back_url": article.get_absolute_url(),
    }
