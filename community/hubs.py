"""Biomarker and treatment hubs: one page that brings together a topic's or a medicine's reviewed
articles, the questions about it, the members who share it and the trials recruiting for it.

They live in the community app because they show questions and members; community may import
articles, never the reverse. Every page runs a fixed number of queries: each list is one query,
cut to a fixed length, and member counts are one COUNT each.
"""

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts import selectors as account_selectors
from accounts.permissions import can_read_community
from articles import selectors as article_selectors
from articles.seo import absolute_url
from community import selectors
from core.page_cache import visitor_page_cache
from trials import selectors as trial_selectors

HUB_ARTICLES = 12
HUB_QUESTIONS = 5
QUESTIONS_MENTIONING = 8
MEMBERS_LISTED = 30


def _first(queryset, limit: int) -> tuple[list, bool]:
    """The first `limit` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


@require_GET
@visitor_page_cache(depends_on=("articles", "trials"))
def topic_hub(request, slug: str):
    topic = article_selectors.topic_for_hub(slug=slug)
    articles, more_articles = _first(article_selectors.article_list(topic=topic), HUB_ARTICLES)
    context = {
        "topic": topic,
        "biomarker": topic.biomarker,
        "articles": articles,
        "more_articles": more_articles,
        "newest_questions": list(selectors.questions(tab="newest", topic=topic, viewer=request.user)[:HUB_QUESTIONS]),
        # Questions nobody has found an answer helpful on yet would only repeat the newest.
        "helpful_questions": list(
            selectors.questions(tab="most_helpful", topic=topic, viewer=request.user).filter(helpful_count__gt=0)[
                :HUB_QUESTIONS
            ]
        ),
        "can_read": can_read_community(request.user),
        "canonical_url": absolute_url(topic.get_absolute_url()),
    }
    if topic.biomarker is not None:
        biomarker = topic.biomarker
        context["treatments"] = list(article_selectors.treatments_for_biomarker(biomarker=biomarker))
        context["member_count"] = account_selectors.biomarker_member_count(biomarker=biomarker)
        context["members_url"] = f"{reverse('member_list')}?{urlencode({'biomarker': biomarker.code})}"
        context["trials"] = trial_selectors.for_biomarker(biomarker)
        context["hub_trials_url"] = f"{reverse('trial_list')}?{urlencode({'biomarker': biomarker.code})}"
    return render(request, "community/topic_hub.html", context)


def _mentions(names: list[str]) -> Q:
    mention = Q()
    for name in names:
        mention |= Q(title__icontains=name) | Q(details__icontains=name)
    return mention


@require_GET
@visitor_page_cache(depends_on=("articles", "trials"))
def treatment_hub(request, slug: str):
    treatment = article_selectors.treatment_for_hub(slug=slug)
    articles, more_articles = _first(article_selectors.treatment_articles(treatment=treatment), HUB_ARTICLES)
    questions, more_questions = _first(
        selectors.questions(tab="newest", viewer=request.user).filter(_mentions(treatment.names)), QUESTIONS_MENTIONING
    )
    members = account_selectors.members_taking(treatment=treatment)
    can_read = can_read_community(request.user)
    listed, more_members = [], False
    if can_read:
        # Names are for verified members only, and never someone on either side of a block.
        listed, more_members = _first(
            members.exclude(pk__in=selectors.blocked_member_ids(request.user)), MEMBERS_LISTED
        )
    targets = list(treatment.targets.all())
    return render(
        request,
        "community/treatment_hub.html",
        {
            "treatment": treatment,
            "targets": [(biomarker, next(iter(biomarker.topics.all()), None)) for biomarker in targets],
            "articles": articles,
            "more_articles": more_articles,
            "questions": questions,
            "more_questions": more_questions,
            "member_count": account_selectors.treatment_member_count(treatment=treatment),
            "members": listed,
            "more_members": more_members,
            "can_read": can_read,
            "canonical_url": absolute_url(treatment.get_absolute_url()),
            "trials": trial_selectors.for_treatment(treatment),
            "hub_trials_url": f"{reverse('trial_list')}?{urlencode({'treatment': treatment.slug})}",
        },
    )
