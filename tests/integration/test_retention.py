"""Retention on the real MariaDB (issue 13, point 6): the ``retention-*`` job bodies delete rows older than
their age in bounded batches, keep newer ones, never delete a pending delivery or the event it will send
(so each (subscription, room) keeps its order), and keep everything when the age is 0.

Each test has a database of its own: retention relies on ids growing with the rows' time stamps (rows
are stamped when inserted), which the back-dated rows of a test only honour in a table of their own,
written old first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.config import load_settings
from roomsvc.db import create_engine, create_session_factory
from roomsvc.detection import jobs as detection_jobs
from roomsvc.detection.records import Detection, DetectionModel
from roomsvc.events import jobs as events_jobs
from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from roomsvc.jobs import retention_jobs
from roomsvc.moderation import jobs as moderation_jobs
from roomsvc.moderation.models import AuditEntry
from roomsvc.rooms.models import Room
from roomsvc.webhooks import jobs as webhooks_jobs
from roomsvc.webhooks.models import WebhookEvent
from tests.stack import create_isolated_database, drop_database
from tests.support import DEFAULT_PROJECT_ID


@pytest.fixture
async def session_factory(
    stack_env: dict[str, str], migrated_db: str, settings: Any
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Overrides tests/conftest.py's: sessions on an isolated database, for this test only."""
    url = await create_isolated_database(migrated_db, stack_env)
    engine = create_engine(dataclasses.replace(settings.database, url=url))
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


NOW = dt.datetime.now(dt.UTC)
OLD = NOW - dt.timedelta(days=31)
LATER = NOW + dt.timedelta(days=1)


def _uid(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


async def _drain(session_factory: Any, body: Callable[[Any], Awaitable[int]], batch: int) -> list[int]:
    """Run ``body`` as the scheduler does (one transaction per run) until it deletes nothing."""
    counts = []
    while True:
        async with session_factory() as session, session.begin():
            counts.append(await body(session))
        assert counts[-1] <= batch
        if not counts[-1] or len(counts) > 100:
            return counts


async def _ids(session_factory: Any, column: Any, ids: list[int]) -> set[int]:
    async with session_factory() as session:
        return set((await session.execute(select(column).where(column.in_(ids)))).scalars())


async def test_events_deliveries_and_attempts_past_their_age_go_pending_ones_stay(
    session_factory: Any,
) -> None:
    room = _uid("rm")
    async with session_factory() as session, session.begin():
        sub = EventSubscription(
            public_id=_uid("sub"),
            project_id=DEFAULT_PROJECT_ID,
            url="http://127.0.0.1:9/",
            secret_sealed="x",
            created_by="test",
            status="disabled",  # the relay leaves its deliveries alone
        )
        session.add(sub)
        await session.flush()

        async def event(created: dt.datetime, status: str | None, attempts: int = 0) -> tuple[Event, Any]:
            row = Event(
                public_id=_uid("evt"),
                project_id=DEFAULT_PROJECT_ID,
                type="room.updated",
                room_name=room,
                occurred_at=created,
                data="{}",
                created_at=created,
            )
            session.add(row)
            await session.flush()
            delivery = None
            if status:
                delivery = EventDelivery(
                    subscription_id=sub.id,
                    event_id=row.id,
                    room_key=room,
                    status=status,
                    created_at=created,
                    next_attempt_at=LATER,
                )
                session.add(delivery)
                await session.flush()
                for n in range(attempts):
                    session.add(DeliveryAttempt(delivery_id=delivery.id, attempt=n + 1, attempted_at=created))
            return row, delivery

        old_delivered = [await event(OLD, "delivered", attempts=2) for _ in range(5)]
        old_bare, _ = await event(OLD, None)
        old_pending, old_pending_delivery = await event(OLD, "pending", attempts=1)
        new_pending, new_pending_delivery = await event(NOW, "pending")
        new_delivered, new_delivered_delivery = await event(NOW, "delivered", attempts=1)

    # A run deletes at most a batch of each of the three tables, and it takes several runs.
    counts = await _drain(session_factory, lambda s: events_jobs.purge_history(s, days=30, batch=2), 2 * 3)
    assert len(counts) > 2

    gone = [e.id for e, _ in old_delivered] + [old_bare.id]
    kept = [old_pending.id, new_pending.id, new_delivered.id]
    assert await _ids(session_factory, Event.id, gone + kept) == set(kept)
    deliveries = [d.id for _, d in old_delivered] + [
        old_pending_delivery.id,
        new_pending_delivery.id,
        new_delivered_delivery.id,
    ]
    remaining = await _ids(session_factory, EventDelivery.id, deliveries)
    assert remaining == {old_pending_delivery.id, new_pending_delivery.id, new_delivered_delivery.id}
    async with session_factory() as session:
        pending = list(
            (
                await session.execute(
                    select(EventDelivery.id)
                    .where(EventDelivery.subscription_id == sub.id, EventDelivery.status == "pending")
                    .order_by(EventDelivery.event_id)
                )
            ).scalars()
        )
        attempts = list(
            (
                await session.execute(
                    select(DeliveryAttempt.delivery_id).where(DeliveryAttempt.delivery_id.in_(deliveries))
                )
            ).scalars()
        )
    # The room's queue for this subscription is untouched: the old pending delivery is still its head.
    assert pending == [old_pending_delivery.id, new_pending_delivery.id]
    # Attempts older than the age go (also a pending delivery's history); newer ones stay.
    assert attempts == [new_delivered_delivery.id]


async def test_processed_webhooks_past_their_age_go_unprocessed_ones_stay(session_factory: Any) -> None:
    async with session_factory() as session, session.begin():

        def webhook(received: dt.datetime, processed: bool) -> WebhookEvent:
            row = WebhookEvent(
                event_id=_uid("EV"),
                event_type="room_started",
                received_at=received,
                processed_at=received if processed else None,
                body="{}",
            )
            session.add(row)
            return row

        old_done = [webhook(OLD, True) for _ in range(3)]
        old_waiting = webhook(OLD, False)
        new_done = webhook(NOW, True)
    await _drain(session_factory, lambda s: webhooks_jobs.purge_processed(s, days=7, batch=2), 2)
    ids = [r.id for r in old_done] + [old_waiting.id, new_done.id]
    assert await _ids(session_factory, WebhookEvent.id, ids) == {old_waiting.id, new_done.id}


async def test_detection_windows_and_audit_entries_past_their_age_go(
    session_factory: Any, room_name: str
) -> None:
    async with session_factory() as session, session.begin():
        await detection_jobs.sync_builtin_models(session)
        room = Room(
            project_id=DEFAULT_PROJECT_ID,
            name=room_name,
            livekit_name=room_name,
            creator="o",
            owner="o",
            spec_hash="retention-test",
            created_by="test",
        )
        session.add(room)
        await session.flush()
        model = (await session.execute(select(DetectionModel).limit(1))).scalar_one()

        def window(created: dt.datetime, n: int) -> Detection:
            row = Detection(
                room_id=room.id,
                room_name=room.name,
                room_sid="RM_x",
                identity="i",
                participant_sid="PA_x",
                track_sid=_uid("TR"),
                kind="audio",
                window_start=created + dt.timedelta(seconds=n),
                window_end=created + dt.timedelta(seconds=n + 4),
                score=0.1,
                smoothed_score=0.1,
                state="clear",
                model_id=model.id,
                model_name=model.name,
                model_version=model.version,
                created_at=created,
            )
            session.add(row)
            return row

        def entry(created: dt.datetime) -> AuditEntry:
            row = AuditEntry(room_id=room.id, caller="test", action="kick", created_at=created)
            session.add(row)
            return row

        windows_old, window_new = [window(OLD, n) for n in range(3)], window(NOW, 0)
        audit_old, audit_new = entry(NOW - dt.timedelta(days=366)), entry(OLD)

    # Age 0 keeps everything.
    assert await _drain(session_factory, lambda s: detection_jobs.purge_windows(s, days=0, batch=2), 2) == [0]
    assert await _drain(session_factory, lambda s: moderation_jobs.purge_audit(s, days=0, batch=2), 2) == [0]
    windows = [w.id for w in windows_old] + [window_new.id]
    assert await _ids(session_factory, Detection.id, windows) == set(windows)

    await _drain(session_factory, lambda s: detection_jobs.purge_windows(s, days=30, batch=2), 2)
    await _drain(session_factory, lambda s: moderation_jobs.purge_audit(s, days=365, batch=2), 2)
    assert await _ids(session_factory, Detection.id, windows) == {window_new.id}
    assert await _ids(session_factory, AuditEntry.id, [audit_old.id, audit_new.id]) == {audit_new.id}


def test_the_job_table_has_a_retention_row_per_table_unless_kept_forever() -> None:
    names = [job.name for job in retention_jobs(load_settings({}))]
    assert names == [
        "retention-events",
        "retention-webhooks",
        "retention-detections",
        "retention-audit",
        "retention-idempotency",
    ]
    forever = load_settings({"ROOMSVC_RETENTION_EVENTS_DAYS": "0", "ROOMSVC_RETENTION_AUDIT_DAYS": "0"})
    assert [job.name for job in retention_jobs(forever)] == [
        "retention-webhooks",
        "retention-detections",
        "retention-idempotency",
    ]
