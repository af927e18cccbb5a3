"""Waking ``roomsvc jobs`` when work was committed, instead of waiting for its next poll.

Two kinds of work are announced, each on a Redis channel every jobs process listens to (:func:`listen`):

- ``WEBHOOKS_STORED``: intake stored LiveKit webhooks (``webhooks/intake.py`` publishes after its group
  commit); the listener wakes an idle webhook applier.
- ``DELIVERIES_DUE``: a transaction that emitted events with subscribers committed, so deliveries are due
  now; the listener wakes the delivery relay. The emitter marks its session (:func:`deliveries_due`),
  and the session's commit calls the process's hook (:func:`on_deliveries_due`): the API publishes on
  Redis (:class:`Publisher`, one message in flight at a time however many commits), a jobs process
  wakes its own relay directly, or publishes when it runs none (``roomsvc jobs --only
  webhook-applier``).

Best effort on both sides: a lost message (Redis away, a session bound to a connection it does not
commit itself) only means the work is found by the next poll (``ROOMSVC_WEBHOOK_POLL_INTERVAL``,
``ROOMSVC_JOBS_POLL_INTERVAL``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

log = structlog.get_logger("roomsvc.wake")

WEBHOOKS_STORED = "roomsvc:webhooks:stored"
DELIVERIES_DUE = "roomsvc:deliveries:due"
RETRY_SECONDS = 1.0
_DUE = "roomsvc.deliveries_due"

_hook: Callable[[], None] | None = None


async def publish(redis: Redis, channel: str = WEBHOOKS_STORED) -> None:
    """Tell the jobs processes that work is waiting (never raises: the poll is the fallback)."""
    try:
        await redis.publish(channel, b"1")
    except (RedisError, OSError) as exc:
        log.debug("wake.unsent", channel=channel, error=type(exc).__name__)


async def listen(url: str, channels: Mapping[str, Callable[[], None]]) -> None:
    """Call ``channels[channel]`` on every publication, until cancelled; reconnects after a Redis
    failure, and calls every callback once on each (re)subscription: whatever was announced while
    nobody listened."""
    while True:
        redis = Redis.from_url(url, socket_connect_timeout=2.0, health_check_interval=30)
        try:
            async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(*channels)
                log.info("wake.listening", channels=sorted(channels))
                for wake in channels.values():
                    wake()
                async for message in pubsub.listen():
                    channel = message.get("channel")
                    name = channel.decode() if isinstance(channel, bytes) else str(channel)
                    callback = channels.get(name)
                    if callback is not None:
                        callback()
        except (RedisError, OSError) as exc:
            log.warning("wake.listener_failed", error=type(exc).__name__, retry_in=RETRY_SECONDS)
        finally:
            await redis.aclose()
        await asyncio.sleep(RETRY_SECONDS)


def deliveries_due(session: Any) -> None:
    """Mark ``session`` (sync or async): when it commits, this process's hook is called once."""
    session.info[_DUE] = True


def on_deliveries_due(hook: Callable[[], None] | None) -> Callable[[], None] | None:
    """Set what a commit that made deliveries due calls in this process (None: nothing); returns the
    hook it replaces (to be set again when the caller stops)."""
    global _hook
    previous, _hook = _hook, hook
    return previous


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(_DUE, False) and _hook is not None:
        try:
            _hook()
        except Exception as exc:  # a wake-up must never fail a commit that happened
            log.warning("wake.hook_failed", error=f"{type(exc).__name__}: {exc}"[:200])


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_DUE, None)


class Publisher:
    """A hook that publishes on ``channel`` from one task at a time, whatever the commit rate: a commit
    while a message is on its way asks for one more after it (the relay claims everything due when it
    runs), so a slow or frozen Redis (each publish bounded by the client's socket timeout) costs one
    task, never one per commit.

    The hook is the process's, but the Redis client belongs to the event loop that made the publisher
    (the API's). A commit in another loop of the process (an in-process app under test runs in a thread
    of its own) hands the request over to that loop instead of using the client from the wrong one."""

    def __init__(self, redis: Redis, channel: str = DELIVERIES_DUE) -> None:
        self.redis = redis
        self.channel = channel
        self.loop = asyncio.get_running_loop()
        self.wanted = False
        self.task: asyncio.Task[None] | None = None

    def __call__(self) -> None:
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._request()
        else:
            self.loop.call_soon_threadsafe(self._request)

    def _request(self) -> None:
        self.wanted = True
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._send())

    async def _send(self) -> None:
        while self.wanted:
            self.wanted = False  # a commit from now on needs a message of its own
            await publish(self.redis, self.channel)

    async def aclose(self) -> None:
        if self.task is not None:
            await asyncio.wait({self.task}, timeout=2.0)
