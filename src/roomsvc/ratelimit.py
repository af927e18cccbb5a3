"""Per-credential token buckets kept in Redis, shared by every API replica.

One Lua script refills and takes a token atomically using Redis' own clock (``TIME``), so replicas with
skewed clocks agree. Buckets are configured per scope name in ``ROOMSVC_RATE_LIMITS`` (``default`` plus
optional ones such as ``rooms:write``); a route picks its bucket with ``opt={"rate_bucket": ...}``.

When Redis is down the limiter *fails open* — requests are served without a limit, and a warning is
logged once per ``_WARN_EVERY`` seconds — because refusing every request would turn a cache outage into
an API outage. This is the documented degradation (docs/architecture.md).

:class:`ClientLimiter` is the other limiter: in process, per client address, charged before a caller is
known (see ``auth.py``).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from roomsvc.config import RateLimit
from roomsvc.errors import RateLimited

log = structlog.get_logger("roomsvc.ratelimit")
_WARN_EVERY = 10.0

TOKEN_BUCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'ts', 'tokens')
local ts = tonumber(state[1]) or now
local tokens = tonumber(state[2]) or burst
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'ts', tostring(now), 'tokens', tostring(tokens))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""  # noqa: S105


class RateLimiter:
    def __init__(self, redis: Redis, limits: Mapping[str, RateLimit]) -> None:
        self._redis = redis
        self._limits = limits
        self._script = redis.register_script(TOKEN_BUCKET)
        self._last_warning = 0.0

    def limit_for(self, bucket: str) -> tuple[str, RateLimit]:
        if bucket in self._limits:
            return bucket, self._limits[bucket]
        return "default", self._limits["default"]

    async def check(self, credential_id: str, bucket: str) -> None:
        name, limit = self.limit_for(bucket)
        try:
            allowed, wait = await self._script(
                # The limit is part of the key: a changed limit starts a fresh bucket.
                keys=[f"roomsvc:rl:{credential_id}:{name}:{limit.rate:g}/{limit.burst}"],
                args=[limit.rate, limit.burst],
            )
        except (RedisError, OSError) as exc:
            now = time.monotonic()
            if now - self._last_warning > _WARN_EVERY:
                self._last_warning = now
                log.warning("ratelimit.redis_unavailable", error=type(exc).__name__, degraded="fail-open")
            return
        if int(allowed) != 1:
            retry_after = max(1, math.ceil(float(wait)))
            raise RateLimited(
                f"Rate limit for bucket {name!r} exceeded ({limit.rate:g}/s, burst {limit.burst}); "
                f"retry after {retry_after} s.",
                retry_after=retry_after,
                bucket=name,
            )


class ClientLimiter:
    """Token buckets per client address, in process: the pre-authentication limiter.

    It guards work done *before* a caller is known (a credential lookup in MySQL, a failed
    authentication), so it cannot be keyed by credential and must not need a Redis round trip on the
    hot path. Each replica keeps its own buckets for at most ``max_clients`` addresses, least recently
    seen dropped first (a dropped address starts again with a full bucket).
    """

    def __init__(
        self, limit: RateLimit, *, max_clients: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # address → (tokens, at)

    def take(self, client: str) -> float | None:
        """Take one token of ``client``'s bucket: None when there was one, else seconds until there is."""
        now = self._clock()
        tokens, at = self._buckets.pop(client, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - at) * self.limit.rate)
        wait = None
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.limit.rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)
        return wait

    def check(self, client: str) -> None:
        """Take a token or raise 429 ``rate-limited`` (bucket ``preauth``)."""
        wait = self.take(client)
        if wait is not None:
            retry_after = max(1, math.ceil(wait))
            raise RateLimited(
                f"Too many unauthenticated or unrecognised requests from this address "
                f"(ROOMSVC_PREAUTH_RATE_LIMIT {self.limit.rate:g}/s, burst {self.limit.burst}); "
                f"retry after {retry_after} s with a valid caller token.",
                retry_after=retry_after,
                bucket="preauth",
            )
