"""Event delivery's background work: the ``delivery-relay`` job of ``roomsvc jobs`` (``roomsvc.scheduler``).

One run is a pipeline: it claims due deliveries (committed leases) up to its free send slots, sends
each in its own task outside any transaction, and, each time sends end, records those outcomes (one
transaction; two when a failure count changes) while the others are still in flight, and claims more
for the freed slots; it returns when nothing is due and nothing is in flight (``events/delivery.py``
explains the states, the ordering and the fencing). So a subscriber that takes the whole deadline
holds its own slots only (at most ``ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY``), never a batch.
:func:`claim` takes a session; :func:`record` the session factory (it stores healthy subscriptions'
results without locking their subscription row, then the others: its docstring says why).

**Lease vs. worst case.** A delivery is claimed only when a send slot is free for it, and its send starts
at once, so the longest time from claim to record is one deadline (``ROOMSVC_EVENT_TIMEOUT``: DNS,
connect, TLS, send and answer together) plus one record transaction — the batch-time bound
deadline * batch / concurrency with batch <= concurrency. The lease (``ROOMSVC_DELIVERY_LEASE``, 60 s
by default against a 10 s deadline) must exceed it comfortably; the claim token makes a relay that
outlives its lease anyway (a stalled process) harmless: its result is not written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time
from collections.abc import Callable
from typing import Any, cast

import httpx
import msgspec
import structlog
from sqlalchemy import CursorResult, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.config import JobSettings
from roomsvc.credentials.service import open_secret
from roomsvc.db import utcnow
from roomsvc.events.delivery import Claimed, Outcome, backoff, send
from roomsvc.events.destinations import DestinationPolicy, policy_for
from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from roomsvc.events.service import envelope
from roomsvc.retention import cutoff, purge

log = structlog.get_logger("roomsvc.delivery")
_encoder = msgspec.json.Encoder()
BATCH = 100
SLOW_TURN = 1.0  # seconds of a turn's record or claim above which its relay.turn line is at info


async def deliver_due(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    http: httpx.AsyncClient,
    settings: JobSettings,
    master_key: str,
    batch: int = BATCH,
    observer: Callable[[Outcome], None] | None = None,
    policy: DestinationPolicy | None = None,
    wake: asyncio.Event | None = None,
) -> int:
    """Claim → send → record until nothing is due or in flight; returns how many deliveries were tried.

    ``wake`` (the relay job's wake-up: a commit made deliveries due, ``roomsvc.wake``) also ends the wait
    for sends in flight, so new work is claimed at once, not after the next send ends or
    ``ROOMSVC_JOBS_POLL_INTERVAL``: with a slow subscriber holding its slots, that wait is most of the
    relay's life."""
    policy = policy or policy_for(settings)
    in_flight: set[asyncio.Task[Outcome]] = set()
    finished: list[Outcome] = []
    woken: asyncio.Task[Any] | None = None
    total = 0
    try:
        while True:
            turn = time.perf_counter()
            recorded = len(finished)
            if finished:  # what ended since the last turn: recorded now, whatever is still in flight
                await record(session_factory, finished, settings, observer=observer)
                finished = []
            wanted = min(batch, settings.delivery_concurrency - len(in_flight))
            claimed: list[Claimed] = []
            claim_started = time.perf_counter()
            if wanted > 0:
                async with session_factory() as session, session.begin():
                    claimed = await claim(session, settings, master_key, batch=wanted)
            claimed_at = time.perf_counter()
            for c in claimed:
                send_one = send(http, c, policy=policy, deadline=settings.delivery_timeout)
                in_flight.add(asyncio.create_task(send_one, name=f"delivery-{c.delivery_id}"))
            total += len(claimed)
            if not in_flight:
                return total
            if claimed and len(claimed) == wanted and len(in_flight) < settings.delivery_concurrency:
                continue  # there may be more due, and there are free slots for it
            waiting: set[asyncio.Task[Any]] = set(in_flight)
            if wake is not None and len(in_flight) < settings.delivery_concurrency:
                # One waiter for the wake-up, kept across turns until it fires (not one per turn).
                woken = woken or asyncio.ensure_future(wake.wait())
                waiting.add(woken)
            done, _ = await asyncio.wait(
                waiting, timeout=settings.poll_interval, return_when=asyncio.FIRST_COMPLETED
            )
            record_s, claim_s = claim_started - turn, claimed_at - claim_started
            # Every turn at debug; a turn whose database work took over a second at info (a lock wait,
            # a stalled commit: the relay sends nothing meanwhile).
            (log.info if max(record_s, claim_s) > SLOW_TURN else log.debug)(
                "relay.turn",
                recorded=recorded,
                record_ms=round(record_s * 1000, 1),
                claimed=len(claimed),
                claim_ms=round(claim_s * 1000, 1),
                in_flight=len(in_flight),
                wait_ms=round((time.perf_counter() - claimed_at) * 1000, 1),
                ended=len(done),
                woken=woken in done,
            )
            if wake is not None and woken in done:
                wake.clear()  # claimed on the next turn, which starts after this
                done.discard(woken)
                woken = None
            in_flight -= done
            finished = [task.result() for task in done]
    except asyncio.CancelledError:
        for task in in_flight:
            task.cancel()
        await asyncio.gather(*in_flight, return_exceptions=True)
        raise
    except Exception:
        # The database is away: let the sends under way end; their leases expire and they go again.
        await asyncio.gather(*in_flight, return_exceptions=True)
        raise
    finally:
        if woken is not None:
            woken.cancel()


async def claim(
    session: AsyncSession, settings: JobSettings, master_key: str, *, batch: int = BATCH
) -> list[Claimed]:
    """Lease up to ``batch`` due deliveries, each the oldest pending one of its (subscription, room), and
    at most ``subscription_concurrency`` in flight per subscription."""
    now = utcnow()
    # The head of each (subscription, room): its oldest pending delivery. Read from the pending rows
    # only (ix_event_deliveries_order, or ix_event_deliveries_status_next_attempt_at), never the
    # delivered history, and materialized once before the join back (see the query below).
    head_ids = (
        select(
            EventDelivery.subscription_id,
            EventDelivery.room_key,
            func.min(EventDelivery.event_id).label("event_id"),
        )
        .where(EventDelivery.status == "pending")
        .group_by(EventDelivery.subscription_id, EventDelivery.room_key)
        .subquery()
    )
    active = select(EventSubscription.id).where(EventSubscription.status == "active")
    cap = settings.subscription_concurrency
    counts = await session.execute(
        select(EventDelivery.subscription_id, func.count())
        .where(EventDelivery.status == "pending", EventDelivery.lease_until >= now)
        .group_by(EventDelivery.subscription_id)
    )
    in_flight: dict[int, int] = {sid: n for sid, n in counts.tuples()}
    full = [sid for sid, n in in_flight.items() if n >= cap]
    # STRAIGHT_JOIN, heads first: with statistics taken while the table was nearly empty (a new
    # deployment's first burst, every fresh database), MariaDB evaluated the grouped heads once per
    # delivery row joined to them (a LATERAL DERIVED plan): rows read grew with the square of the
    # subscription's history, 0.6-17 s per claim with the relay sending nothing meanwhile
    # (tests/integration/test_delivery_claim.py). Heads first, each joins its delivery by
    # uq_event_deliveries_subscription_id_event_id whatever the statistics say.
    query = (
        select(EventDelivery.id, EventDelivery.subscription_id)
        .prefix_with("STRAIGHT_JOIN")
        .select_from(head_ids)
        .join(
            EventDelivery,
            (head_ids.c.subscription_id == EventDelivery.subscription_id)
            & (head_ids.c.event_id == EventDelivery.event_id),
        )
        .where(
            EventDelivery.status == "pending",
            EventDelivery.next_attempt_at <= now,
            (EventDelivery.lease_until.is_(None)) | (EventDelivery.lease_until < now),
            EventDelivery.subscription_id.in_(active.scalar_subquery()),
        )
        .order_by(EventDelivery.id)
        .limit(batch * 2)  # room to skip the heads of subscriptions that reach their cap below
    )
    if full:
        query = query.where(EventDelivery.subscription_id.not_in(full))
    heads: list[int] = []
    for delivery_id, subscription_id in (await session.execute(query)).tuples():
        if in_flight.get(subscription_id, 0) < cap and len(heads) < batch:
            heads.append(delivery_id)
            in_flight[subscription_id] = in_flight.get(subscription_id, 0) + 1
    if not heads:
        return []
    # Only the deliveries are locked: MariaDB ignores FOR UPDATE OF, and a lock on the event rows would
    # make the feed's sequencer (SKIP LOCKED) pass over a committed event and number it out of commit order.
    locked = list(
        (
            await session.execute(
                select(EventDelivery.id)
                .where(
                    EventDelivery.id.in_(heads),
                    EventDelivery.status == "pending",
                    (EventDelivery.lease_until.is_(None)) | (EventDelivery.lease_until < now),
                )
                .order_by(EventDelivery.id)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    if not locked:
        return []
    # Those deliveries with their subscription and event, read without a lock (the delivery's lock keeps
    # both in place).
    rows = (
        await session.execute(
            select(EventDelivery, EventSubscription, Event)
            .join(EventSubscription, EventSubscription.id == EventDelivery.subscription_id)
            .join(Event, Event.id == EventDelivery.event_id)
            .where(EventDelivery.id.in_(locked))
            .order_by(EventDelivery.id)
        )
    ).all()
    lease_until = now + dt.timedelta(seconds=settings.lease)
    token = secrets.token_hex(16)
    oldest = now - dt.timedelta(seconds=settings.max_age)
    claimed = []
    for delivery, subscription, event in rows:
        if delivery.created_at < oldest:
            # Queued longer than the max age (a subscription disabled for long, a room stuck behind a
            # failing event): given up unsent, and the room's next event becomes due.
            delivery.status, delivery.last_error, delivery.lease_until = "failed", "expired", None
            log.info("event.delivery_expired", event_id=event.public_id, subscription=subscription.public_id)
            continue
        delivery.lease_until, delivery.claim = lease_until, token
        claimed.append(
            Claimed(
                delivery_id=delivery.id,
                claim=token,
                subscription_id=subscription.id,
                subscription_public_id=subscription.public_id,
                url=subscription.url,
                secret=open_secret(master_key, subscription.secret_sealed, subscription.public_id),
                event_public_id=event.public_id,
                body=_encoder.encode(envelope(event)),
                attempts=delivery.attempts,
                created_at=delivery.created_at,
            )
        )
    return claimed


async def record(
    session_factory: async_sessionmaker[AsyncSession],
    outcomes: list[Outcome],
    settings: JobSettings,
    *,
    observer: Callable[[Outcome], None] | None = None,
) -> None:
    """Store each attempt under its claim: schedule retries with backoff, or disable a subscription that
    keeps failing. A result whose claim is no longer the delivery's (its lease ran out and another claim
    took it) changes nothing.

    **Two transactions, so that a healthy subscription's results never wait for a lock.** Every
    transaction that emits an event holds a shared lock on each subscription it fans out to until it
    commits (InnoDB's foreign-key check of the delivery rows it inserts): a backlog written in one
    transaction, or an applier's batch, holds it for seconds. Locking the subscription row for every
    result made the relay wait for each of those commits (4-7 s stalls of the whole relay, seen in
    tests/faults/test_delivery_slow_subscriber.py). So the results of a subscription whose results are all
    successes and whose failure count reads 0 (a plain read, no lock) are stored first, touching their
    deliveries only. The others (a failure, or the first success after failures, which resets the count)
    are stored in a second transaction that locks the subscription row first, as enable() and delete()
    do: one lock order, no deadlock. A failure recorded by another relay between the read and the
    commit is simply ordered after these successes."""
    if observer is not None:
        for outcome in outcomes:
            observer(outcome)
    now = utcnow()
    ids = sorted({o.claimed.subscription_id for o in outcomes})
    accounted: list[Outcome] = []
    async with session_factory() as session, session.begin():
        failing = set(
            (
                await session.execute(
                    select(EventSubscription.id).where(
                        EventSubscription.id.in_(ids), EventSubscription.consecutive_failures != 0
                    )
                )
            ).scalars()
        ) | {o.claimed.subscription_id for o in outcomes if not o.ok}
        for outcome in sorted(outcomes, key=lambda o: o.claimed.delivery_id):
            if outcome.claimed.subscription_id in failing:
                accounted.append(outcome)
            else:
                await _store(session, outcome, now, settings)
    if not accounted:
        return
    async with session_factory() as session, session.begin():
        # One lock order (subscription, then delivery) for every relay: no deadlock between two records.
        for outcome in sorted(accounted, key=lambda o: (o.claimed.subscription_id, o.claimed.delivery_id)):
            c = outcome.claimed
            subscription = await session.get(EventSubscription, c.subscription_id, with_for_update=True)
            if not await _store(session, outcome, now, settings) or subscription is None:
                continue
            if outcome.ok:
                subscription.consecutive_failures = 0
            elif subscription.status == "active":
                subscription.consecutive_failures += 1
                if subscription.consecutive_failures >= settings.disable_after:
                    subscription.status = "disabled"
                    subscription.disabled_reason = (
                        f"{subscription.consecutive_failures} consecutive failed deliveries"
                    )
                    log.warning("subscription.disabled", subscription=c.subscription_public_id)


async def _store(session: AsyncSession, outcome: Outcome, now: dt.datetime, settings: JobSettings) -> bool:
    """Write one result to its delivery (under its claim) and its attempt row; False when stale."""
    c = outcome.claimed
    attempt = c.attempts + 1
    values: dict[str, object] = {
        "attempts": attempt,
        "lease_until": None,
        "claim": None,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "last_latency_ms": outcome.latency_ms,
    }
    if outcome.ok:
        values |= {"status": "delivered", "delivered_at": now}
    else:
        delay = backoff(attempt, settings.backoff_base, settings.backoff_cap)
        given_up = (now - c.created_at).total_seconds() > settings.max_age
        values |= {
            "status": "failed" if given_up else "pending",
            "next_attempt_at": now + dt.timedelta(seconds=delay),
        }
    written = cast(
        CursorResult[Any],
        await session.execute(
            update(EventDelivery)
            .where(
                EventDelivery.id == c.delivery_id,
                EventDelivery.claim == c.claim,
                EventDelivery.status == "pending",
            )
            .values(**values)
        ),
    )
    if written.rowcount == 0:
        log.warning(
            "event.delivery_stale",
            event_id=c.event_public_id,
            subscription=c.subscription_public_id,
            status_code=outcome.status_code,
            error=outcome.error,
        )
        return False
    session.add(
        DeliveryAttempt(
            delivery_id=c.delivery_id,
            attempt=attempt,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            attempted_at=now,
        )
    )
    log.info(
        "event.delivery",
        event_id=c.event_public_id,
        subscription=c.subscription_public_id,
        status_code=outcome.status_code,
        error=outcome.error,
        ok=outcome.ok,
        attempt=attempt,
        latency_ms=outcome.latency_ms,
    )
    return True


async def purge_history(session: AsyncSession, *, days: int, batch: int) -> int:
    """Retention: delete up to ``batch`` each of delivery attempts, finished deliveries and events older
    than ``days`` days. A pending delivery is never deleted, nor the event it will send, so no delivery is
    lost and each (subscription, room) keeps its order: the relay only ever looks at pending ones."""
    before = cutoff(days)
    if before is None:
        return 0
    attempts = await purge(session, DeliveryAttempt, DeliveryAttempt.attempted_at, before, batch=batch)
    finished = EventDelivery.status != "pending"
    deliveries = await purge(session, EventDelivery, EventDelivery.created_at, before, finished, batch=batch)
    pending = exists().where(EventDelivery.event_id == Event.id, EventDelivery.status == "pending")
    events = await purge(session, Event, Event.created_at, before, ~pending, batch=batch)
    return attempts + deliveries + events
