from django import template
from django.urls import reverse

from accounts.permissions import can_read_community
from community import fragments, selectors
from community.forms import CommentForm
from community.models import Reaction
from community.pagination import page_number
from community.text import render_member_text

register = template.Library()

REACTION_LABELS = {"hug": "Send a hug", "like": "Like", "thanks": "Say thanks"}


@register.filter
def member_text(text: str):
    return render_member_text(text or "")


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
    """Visitors never see names; anonymous questions are "A Kindred member" to everyone here."""
    if question.is_anonymous or not getattr(viewer, "is_authenticated", False):
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
