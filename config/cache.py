"""Django's RedisCache, made to degrade instead of failing when Redis cannot be reached.

Django's own backend raises on every call while Redis is down, and since sessions, allauth's rate
limits and cached fragments go through the cache, every signed-in page and every log-in would answer
500. Here an unreachable Redis behaves as an empty cache that stores nothing: pages render from the
database, `cached_db` sessions are read from and written to the database, and an error is logged.

Two choices an operator should know (README, "When Redis is down"):
- After one failure the process leaves Redis alone for `RETRY_SECONDS`, so a Redis that hangs
  rather than refuses costs one timeout per process, not one per cache call.
- allauth's rate limits (log-in failures, sign-ups, codes, password resets) are kept in this
  process's memory while Redis is away: they still hold, per process instead of site-wide.
  Refusing every log-in, or forgetting every limit, would both be worse.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
# allauth.core.internal.ratelimit names its counters and their locks "allauth:rl:...".
RATE_LIMIT_PREFIX = "allauth:rl:"
# Redis servers this process has given up on for now, with the time to try again. Shared by the
# backend instances of every thread (Django makes one per thread).
_unreachable_until: dict[tuple[str, ...], float] = {}


class _SharedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache call, and on loopback building it costs
    more than the call itself. One client per connection pool is enough; redis-py clients are safe
    to share between threads."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if id(pool) not in clients:
            clients[id(pool)] = self._client(connection_pool=pool)
        return clients[id(pool)]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient
        # LocMemCache instances of one name share their storage across threads of the process.
        self._rate_limits_while_down = LocMemCache("kindred-rate-limits-while-redis-is-down", {})

    def _attempt(self, when_down, method: str, *args, **kwargs):
        servers = tuple(self._servers)
        if time.monotonic() >= _unreachable_until.get(servers, 0.0):
            try:
                return getattr(super(), method)(*args, **kwargs)
            except RedisError as error:
                _unreachable_until[servers] = time.monotonic() + RETRY_SECONDS
                logger.error(
                    "Redis cache unreachable (%s): serving without it for %s s; sessions come from the "
                    "database and rate limits are counted per process.",
                    error,
                    RETRY_SECONDS,
                )
        if args and isinstance(args[0], str) and args[0].startswith(RATE_LIMIT_PREFIX):
            return getattr(self._rate_limits_while_down, method)(*args, **kwargs)
        return when_down

    def add(self, *args, **kwargs):
        return self._attempt(False, "add", *args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._attempt(default, "get", key, default, version)

    def set(self, *args, **kwargs):
        return self._attempt(None, "set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._attempt(False, "touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._attempt(False, "delete", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._attempt(False, "has_key", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._attempt({}, "get_many", *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        # set_many answers with the keys it could not store: all of them.
        return self._attempt(list(data), "set_many", data, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._attempt(None, "delete_many", *args, **kwargs)

    def incr(self, key, delta=1, version=None):
        value = self._attempt(None, "incr", key, delta, version)
        if value is None:
            # What a missing key looks like to incr's and decr's callers.
            raise ValueError(f"Key '{key}' not found.")
        return value

    def clear(self):
        return self._attempt(False, "clear")
