"""The "anything new?" check of an open conversation, answered from the cache.

Each conversation has a stamp in the cache, replaced after every commit that changes what its
page shows (a message sent, changed or deleted), with the ids of the members who may ask about
it. An open page sends its stamp every 15 seconds; while it is still the current one, the answer
is an empty 204 read from the session and this entry alone, with no database query. Anything
else (a new stamp, an evicted entry, a moderator reading a member's conversation with the team)
takes the ordinary way through the database."""

import time

from django.core.cache import cache

SECONDS = 24 * 60 * 60


def _key(conversation_id: int) -> str:
    return f"messaging:stamp:{conversation_id}"


def touch(conversation_id: int, member_ids) -> str:
    stamp = str(time.time_ns())
    cache.set(_key(conversation_id), {"stamp": stamp, "members": [i for i in member_ids if i]}, SECONDS)
    return stamp


def stamp_for(conversation) -> str:
    """The conversation's current stamp, made now if the cache has none."""
    entry = cache.get(_key(conversation.pk))
    if entry is not None:
        return entry["stamp"]
    return touch(conversation.pk, [conversation.member_low_id, conversation.member_high_id])


def unchanged_for(conversation_id: int, member_id: int, since: str) -> bool:
    """Whether `since` is still the conversation's stamp and the member is one of its two."""
    entry = cache.get(_key(conversation_id))
    return entry is not None and since == entry["stamp"] and member_id in entry["members"]
