"""The pages bench/load.py and bench/query_counts.py look at, picked from whatever data is loaded
(the demo content of `seed_demo` or the scale data of `seed_scale`). Needs Django set up."""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from accounts.models import User
from articles import selectors as article_selectors
from community.models import ModerationState, Question, Update
from demo import scale

SEARCH_QUERY = "side effects"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    member: bool
    method: str = "GET"
    expected_status: int = 200


def bench_member() -> User:
    """seed_scale's bench member, or on demo content the verified member with most notifications."""
    member = User.objects.filter(email=scale.BENCH_MEMBER_EMAIL).first()
    if member is None:
        member = (
            User.objects.filter(emailaddress__verified=True, is_active=True, banned_at=None, is_staff=False)
            .annotate(notification_count=Count("notifications"))
            .order_by("-notification_count", "pk")
            .first()
        )
    if member is None:
        raise SystemExit("No member to sign in as: load seed_demo or seed_scale first.")
    return member


def pick(*, member: User) -> list[Page]:
    article = article_selectors.article_list().first()
    visible = {"moderation_state": ModerationState.VISIBLE}
    busy = Question.objects.filter(**visible).order_by("-answer_count", "pk").first()
    # Someone else's update, so that posting notifies its author as it usually would.
    update = Update.objects.filter(**visible).exclude(author=member).order_by("-pk").first()
    if article is None or busy is None or update is None:
        raise SystemExit("The database holds no published article, question or update: load data first.")
    return [
        Page("floor (bare view)", reverse("benchmark_floor"), member=False),
        # The same bare view for a signed-in member: what reading the session and the member costs
        # before a page does anything of its own.
        Page("floor, signed-in member", reverse("benchmark_floor"), member=True),
        # A real page with nothing of its own to read: the site's layout around static text, for a
        # member. No member page can do better than this one.
        Page("about page, member", reverse("about"), member=True),
        Page("home, visitor", reverse("home"), member=False),
        Page("article, visitor", article.get_absolute_url(), member=False),
        Page("activity feed, member", reverse("activity_list"), member=True),
        Page("question list, member", reverse("question_list"), member=True),
        Page("busiest question, member", busy.get_absolute_url(), member=True),
        Page("search, member", f"{reverse('search')}?q={SEARCH_QUERY.replace(' ', '+')}", member=True),
        Page("notifications, member", reverse("notification_list"), member=True),
        Page(
            "post a comment, member",
            reverse("update_comment", args=[update.pk]),
            member=True,
            method="POST",
            expected_status=302,
        ),
    ]
