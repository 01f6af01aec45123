"""The number in the header's "Messages" link, kept in the cache per member so that pages do not
ask the database for it. The services forget a member's number after a commit that changes it;
the next page reads it once and keeps it."""

from django.core.cache import cache

from accounts.permissions import acts_as_moderator
from messaging import selectors

SECONDS = 60 * 60


def _key(member_id: int) -> str:
    return f"messaging:unread:{member_id}"


def forget(*member_ids: int) -> None:
    cache.delete_many([_key(member_id) for member_id in member_ids if member_id])


def count_for(member) -> int:
    """The member's unread conversations and requests; for a moderator, with the members waiting
    for the team's answer."""
    count = cache.get(_key(member.pk))
    if count is None:
        count = selectors.unread_count(member.pk)
        if acts_as_moderator(member):
            count += selectors.waiting_for_moderators_count()
        cache.set(_key(member.pk), count, SECONDS)
    return count
