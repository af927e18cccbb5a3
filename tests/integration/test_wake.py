"""roomsvc.wake on the real MariaDB: a commit that made event deliveries due calls the process's hook
once (the API publishes on Redis, a jobs process wakes its relay); a rollback, or events nobody
subscribed to, call nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc import wake
from roomsvc.db import create_engine, create_session_factory
from roomsvc.events import service as events
from roomsvc.events.models import EventSubscription
from roomsvc.events.types import EventType
from tests.support import DEFAULT_PROJECT_ID


@pytest.fixture
async def factory(isolated_db: str, settings: Any) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A database of the test's own: its subscription sees no other test's events."""
    engine = create_engine(dataclasses.replace(settings.database, url=isolated_db))
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def calls() -> Any:
    seen: list[int] = []
    wake.on_deliveries_due(lambda: seen.append(1))
    yield seen
    wake.on_deliveries_due(None)


async def _emit(session: AsyncSession, outbox: events.Outbox | None = None) -> None:
    await events.emit(
        session,
        EventType.ROOM_STARTED,
        room="wake-room",
        project_id=DEFAULT_PROJECT_ID,
        data={"room_sid": "RM_wake", "started_at": "2026-12-01T00:00:00Z"},
        outbox=outbox,
    )


async def test_only_a_commit_with_deliveries_calls_the_hook_once(
    factory: async_sessionmaker[AsyncSession], calls: list[int]
) -> None:
    async with factory() as session, session.begin():
        await _emit(session)  # no subscription yet: an event, no delivery
    assert calls == []
    async with factory() as session, session.begin():
        session.add(
            EventSubscription(
                public_id="sub_wake_test",
                project_id=DEFAULT_PROJECT_ID,
                url="https://example.invalid/hook",
                event_types="room.*",
                secret_sealed="unused",
                created_by="test",
            )
        )
    async with factory() as session:
        async with session.begin():
            await _emit(session)
            await _emit(session)
            assert calls == []  # not before the commit
        assert calls == [1]  # once for the transaction
        async with session.begin():
            await _emit(session)
            await session.rollback()
        async with session.begin():
            pass  # a later commit of the same session carries nothing of the rolled-back one
        assert calls == [1]
        outbox = events.Outbox()  # the webhook applier's batch writes its deliveries at the end
        async with session.begin():
            await _emit(session, outbox)
            await outbox.flush(session)
        assert calls == [1, 1]
