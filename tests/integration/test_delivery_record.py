"""The relay's record step (``events.jobs.record``): what it writes, and the lock it must not wait for.

Every transaction that emits an event holds a shared lock on each subscription row it fans out to until
it commits (InnoDB checks the foreign key of the delivery rows it inserts). The relay used to lock the
subscription row for every result, so it stalled for as long as any such transaction stayed open (a
backlog written in one transaction; an applier's batch): 4-7 s stalls of the whole relay in
tests/faults/test_delivery_slow_subscriber.py. A success for a subscription with no failures to reset
must be stored while such a transaction is still open.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import select, update

from roomsvc.db import utcnow
from roomsvc.events.delivery import Claimed, Outcome
from roomsvc.events.models import DeliveryAttempt, EventDelivery, EventSubscription
from tests.support import DEFAULT_PROJECT_ID

RELAY = {"ROOMSVC_DELIVERY_DISABLE_AFTER": "3"}
HOLD = 60.0  # how long the emitting transaction stays open at most: a bound, not a measure


async def _emit(session: Any, room: str) -> None:
    from roomsvc.events.service import emit
    from roomsvc.events.types import EventType

    data = {"room_sid": None, "creator": "o", "call_type": "video", "max_participants": 0, "metadata": ""}
    await emit(session, EventType.ROOM_UPDATED, room=room, project_id=DEFAULT_PROJECT_ID, data=data)


async def _claim_one(factory: Any, settings: Any) -> Claimed:
    from roomsvc.events.jobs import claim

    async with factory() as session, session.begin():  # a failed one's retry is due now, not after backoff
        past = utcnow() - dt.timedelta(seconds=1)
        await session.execute(update(EventDelivery).values(next_attempt_at=past))
    async with factory() as session, session.begin():
        claimed = await claim(session, settings.jobs, settings.secret_key, batch=1)
    assert len(claimed) == 1, claimed
    return claimed[0]


async def _setup(isolated_db: str, stack_env: dict[str, str], make_client: Any) -> tuple[Any, Any, Any]:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    settings = load_settings(stack_env | {"DATABASE_URL": isolated_db} | RELAY)
    engine = create_engine(settings.database)
    async with make_client(DATABASE_URL=isolated_db) as client:
        created = await client.post(
            "/v1/event-subscriptions", json={"url": "http://127.0.0.1:9/hook", "event_types": ["room.*"]}
        )
        assert created.status_code == 201, created.text
    return settings, engine, create_session_factory(engine)


async def test_a_success_is_stored_while_an_emitting_transaction_holds_its_subscription(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.events.jobs import record

    settings, engine, factory = await _setup(isolated_db, stack_env, make_client)
    try:
        async with factory() as session, session.begin():
            await _emit(session, room_name)
        claimed = await _claim_one(factory, settings)
        async with factory() as emitter:
            await emitter.begin()
            await _emit(emitter, f"{room_name}-other")  # open: holds the subscription row shared
            await emitter.flush()
            recording = asyncio.create_task(record(factory, [Outcome(claimed, 204, 3, None)], settings.jobs))
            done, _ = await asyncio.wait({recording}, timeout=HOLD)
            stored_while_open = recording in done
            await emitter.commit()
        await recording
        assert stored_while_open, "the success waited for the emitting transaction to commit"
        async with factory() as session:
            delivery = await session.get(EventDelivery, claimed.delivery_id)
            assert delivery is not None
            assert (delivery.status, delivery.attempts, delivery.claim) == ("delivered", 1, None)
            attempts = (
                await session.execute(
                    select(DeliveryAttempt.status_code).where(
                        DeliveryAttempt.delivery_id == claimed.delivery_id
                    )
                )
            ).scalars()
            assert list(attempts) == [204]
    finally:
        await engine.dispose()


async def test_failures_count_a_success_resets_the_count_and_enough_failures_disable(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.events.jobs import record

    settings, engine, factory = await _setup(isolated_db, stack_env, make_client)

    async def failures() -> tuple[int, str]:
        async with factory() as session:
            sub = (await session.execute(select(EventSubscription))).scalar_one()
            return sub.consecutive_failures, sub.status

    async def answered(status_code: int, error: str | None) -> tuple[int, str]:
        """Claim the next due delivery, record this answer to it; the subscription's count and status."""
        await record(
            factory, [Outcome(await _claim_one(factory, settings), status_code, 3, error)], settings.jobs
        )
        return await failures()

    try:
        async with factory() as session, session.begin():
            await _emit(session, room_name)
        for expected in (1, 2):
            assert await answered(503, "http-error") == (expected, "active")
        # The first success after failures goes through the locking path and resets the count.
        assert await answered(204, None) == (0, "active")
        async with factory() as session, session.begin():
            await _emit(session, room_name)
        for expected in (1, 2):
            assert await answered(503, "http-error") == (expected, "active")
        # A success and a failure of one subscription in one batch: stored in delivery order, so the
        # success resets the count (0) and the failure after it counts (1).
        async with factory() as session, session.begin():
            await _emit(session, f"{room_name}-b")
        first = await _claim_one(factory, settings)
        second = await _claim_one(factory, settings)
        assert first.delivery_id < second.delivery_id
        await record(
            factory, [Outcome(second, 503, 3, "http-error"), Outcome(first, 204, 3, None)], settings.jobs
        )
        assert await failures() == (1, "active")
        for expected, status in ((2, "active"), (3, "disabled")):  # ROOMSVC_DELIVERY_DISABLE_AFTER=3
            assert await answered(503, "http-error") == (expected, status)
    finally:
        await engine.dispose()
