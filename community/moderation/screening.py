"""What happens to a new post or a new sign-up before anyone sees it: a new member's first posts
wait for a moderator, links from new members may be held, exact duplicates are refused, and words
of crisis put the post at the top of the queue."""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_moderator
from community.models import Answer, Comment, ModerationState, Question, Update
from community.moderation.models import ReviewItem
from community.moderation.services import queue_for_review

LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Screening:
    state: str = ModerationState.VISIBLE
    hold_reason: str = ""  # a ReviewItem.Reason when the post waits for a moderator
    crisis: bool = False


def mentions_crisis(text: str) -> bool:
    # Phones type curly apostrophes; the list is written with straight ones.
    lowered = " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())
    return any(phrase in lowered for phrase in settings.CRISIS_PHRASES)


def _is_new_member(member: User) -> bool:
    return member.date_joined > timezone.now() - timedelta(days=settings.NEW_MEMBER_DAYS)


def _cleared_premoderation(member: User) -> bool:
    if member.is_staff or is_moderator(member):
        return True
    if member.premoderation_cleared_at:
        return True
    return settings.PREMODERATION_FIRST_POSTS == 0


def _link_hosts(text: str) -> set[str]:
    hosts = set()
    for link in LINK.findall(text):
        host = urlparse(link if "://" in link else f"http://{link}").hostname or ""
        hosts.add(host.removeprefix("www."))
    return hosts


def _host_spread_by_new_members(host: str, author: User) -> int:
    """How many other new members posted a link to this host in the last week."""
    since = timezone.now() - timedelta(days=settings.NEW_MEMBER_DAYS)
    authors = set()
    for model in (Update, Comment, Question, Answer):
        field = "details" if model is Question else "text"
        authors.update(
            model.objects.filter(
                created_at__gte=since,
                author__date_joined__gte=since,
                # A case-insensitive regex, not icontains: the posts' trigram indexes (migration
                # 0004) answer the regex, while UPPER(text) has no index and reads every recent post.
                **{f"{field}__iregex": re.escape(host)},
            )
            .exclude(author=author)
            .values_list("author_id", flat=True)[:10]
        )
    return len(authors)


def screen_new_post(*, author: User, text: str) -> Screening:
    """Decide, before saving, whether a new post goes live or waits. Refuses exact duplicates."""
    text = text.strip()
    since = timezone.now() - timedelta(seconds=settings.DUPLICATE_WINDOW_SECONDS)
    if text:
        same = [
            m.objects.filter(author=author, text=text, created_at__gte=since).values("pk")
            for m in (Update, Comment, Answer)
        ]
        if same[0].union(*same[1:], all=True).exists():
            raise ValidationError("You posted exactly this a moment ago, so we have not posted it twice.")
    crisis = mentions_crisis(text)
    if not _cleared_premoderation(author):
        return Screening(ModerationState.PENDING, ReviewItem.Reason.PREMODERATION, crisis)
    if _is_new_member(author) and not (author.is_staff or is_moderator(author)):
        hosts = _link_hosts(text)
        if len(LINK.findall(text)) > settings.NEW_MEMBER_MAX_LINKS or any(
            _host_spread_by_new_members(host, author) >= settings.LINK_HOST_SPREAD_LIMIT for host in hosts
        ):
            return Screening(ModerationState.PENDING, ReviewItem.Reason.LINKS, crisis)
    return Screening(crisis=crisis)


def queue_if_needed(*, item, screening: Screening) -> None:
    if screening.crisis:
        queue_for_review(item=item, author=item.author, reason=ReviewItem.Reason.CRISIS)
    elif screening.hold_reason:
        queue_for_review(item=item, author=item.author, reason=screening.hold_reason)


# New sign-ups

SIGNUP_WAVE_WINDOW = timedelta(hours=1)
SIGNUP_WAVE_SIZE = 3


def screen_new_member(*, member: User) -> ReviewItem | None:
    """Hold a sign-up for a moderator's look when it looks like advertising (a link in the name) or
    like a wave (several accounts with the same name within the hour). Its posts wait for a
    moderator anyway, as every new member's first posts do."""
    looks_like_ad = bool(LINK.search(member.display_name)) or re.search(
        r"\.(com|net|org|shop|biz)\b", member.display_name
    )
    wave = (
        User.objects.filter(
            display_name__iexact=member.display_name, date_joined__gte=timezone.now() - SIGNUP_WAVE_WINDOW
        ).count()
        >= SIGNUP_WAVE_SIZE
    )
    if not (looks_like_ad or wave):
        return None
    return queue_for_review(item=member, author=member, reason=ReviewItem.Reason.SIGNUP)
