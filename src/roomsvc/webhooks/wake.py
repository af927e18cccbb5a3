"""Waking the appliers: intake publishes on a Redis channel after a commit that stored new events;
each ``roomsvc jobs`` process listens and sets its appliers' wake events. Best effort on both sides:
while Redis is away the appliers find the events by their poll (``ROOMSVC_WEBHOOK_POLL_INTERVAL``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("roomsvc.webhooks")

CHANNEL = "roomsvc:webhooks:stored"
RETRY_SECONDS = 1.0


async def publish(redis: Redis) -> None:
    """Tell the appliers that events are waiting (never raises: the poll is the fallback)."""
    try:
        await redis.publish(CHANNEL, b"1")
    except (RedisError, OSError) as exc:
        log.debug("webhook.wake_unsent", error=type(exc).__name__)


async def listen(url: str, wake: Callable[[], None]) -> None:
    """Call ``wake`` on every publication, until cancelled; reconnects after a Redis failure."""
    while True:
        redis = Redis.from_url(url, socket_connect_timeout=2.0, health_check_interval=30)
        try:
            async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(CHANNEL)
                wake()  # whatever was stored while we were not listening
                async for _ in pubsub.listen():
                    wake()
        except (RedisError, OSError) as exc:
            log.warning("webhook.wake_listener_failed", error=type(exc).__name__, retry_in=RETRY_SECONDS)
        finally:
            await redis.aclose()
        await asyncio.sleep(RETRY_SECONDS)
