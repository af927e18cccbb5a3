"""``moderation.jobs.expire_mutes``: the job body that lifts timed mutes, on a database of its own.

The job claims every expired mute in the database, so this module runs on an isolated database (a
fresh, migrated copy) where the only mutes are the ones its tests write. The scheduler owns the
transaction in production; here the test commits or rolls back as the scheduler would.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.db import create_engine, create_session_factory, utcnow
from roomsvc.errors import LiveKitUnavailable
from roomsvc.moderation import audit, jobs, permissions
from roomsvc.moderation.models import Mute
from roomsvc.rooms.models import Room
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import MakeRoom, audit_of, events_of, mutes_of
from tests.stack import create_isolated_database, drop_database

PAST = dt.timedelta(seconds=-1)
LATER = dt.timedelta(hours=1)


@pytest.fixture(scope="module")
async def session_factory(
    stack_env: dict[str, str], migrated_db: str, settings: Any
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Overrides tests/conftest.py's: sessions on an isolated database, for this module only."""
    url = await create_isolated_database(migrated_db, stack_env)
    engine = create_engine(dataclasses.replace(settings.database, url=url))
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


async def _mute(session: AsyncSession, room: Room, identity: str, source: str, in_: dt.timedelta) -> None:
    await session.execute(
        mysql_insert(Mute).values(
            room_id=room.id, identity=identity, source=source, expires_at=utcnow() + in_, created_at=utcnow()
        )
    )


async def test_expired_mutes_are_lifted_audited_and_pushed_live(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(call_type="video")
    await _mute(db, room, "max", "microphone", PAST)
    await _mute(db, room, "max", "camera", LATER)  # not yet
    await _mute(db, room, "mia", "camera", PAST)  # not connected
    fake.connect(
        room.name,
        "max",
        grants=permissions.grants_for_role("member", "video", muted={"microphone", "camera"}),
    )
    assert "microphone" not in fake.participants[room.name]["max"].can_publish_sources

    assert await jobs.expire_mutes(db, fake) == 2

    assert await mutes_of(db, room) == [("max", "camera")]
    (pushed,) = fake.grants_pushed(room.name, "max")
    assert "microphone" in pushed.can_publish_sources and "camera" not in pushed.can_publish_sources
    assert pushed == permissions.grants_for_role("member", "video", muted={"camera"})
    assert fake.participants[room.name]["max"].can_publish_sources == pushed.can_publish_sources
    entries = sorted(await audit_of(db, room), key=lambda e: e["target"])
    assert entries == [
        {
            "action": "unmute",
            "caller": "system",
            "actor": None,
            "target": target,
            "reason": "mute expired",
            "params": {"sources": [source], "applied_live": live},
        }
        for target, source, live in [("max", "microphone", True), ("mia", "camera", False)]
    ]
    assert await events_of(db, room) == [str(audit.ACTIONS["unmute"])] * 2

    # Nothing left to lift: the scheduler sleeps on 0.
    calls = len(fake.calls)
    assert await jobs.expire_mutes(db, fake) == 0
    assert len(fake.calls) == calls
    assert await mutes_of(db, room) == [("max", "camera")]


async def test_mutes_in_an_ended_room_are_lifted_without_livekit(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(status="ended")
    await _mute(db, room, "max", "microphone", PAST)
    assert await jobs.expire_mutes(db, fake) == 1
    assert fake.calls == []
    assert await mutes_of(db, room) == []
    assert [e["params"]["applied_live"] for e in await audit_of(db, room)] == [False]


async def test_each_expired_mute_is_claimed_by_one_instance(
    make_room: MakeRoom, fake: FakeLiveKitGateway, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Two job instances at once: the second skips the rows the first holds (``SKIP LOCKED``), never
    waits on them, and nothing is lifted twice."""
    room = await make_room()
    async with session_factory() as setup, setup.begin():
        await _mute(setup, room, "max", "microphone", PAST)
        await _mute(setup, room, "mia", "camera", PAST)
    async with session_factory() as first, session_factory() as second:
        assert await jobs.expire_mutes(first, fake) == 2
        assert await jobs.expire_mutes(second, fake) == 0
        await first.commit()
        await second.rollback()
    async with session_factory() as after:
        assert await jobs.expire_mutes(after, fake) == 0
        assert await mutes_of(after, room) == []
        assert [e["target"] for e in await audit_of(after, room)] == ["max", "mia"]


async def test_livekit_down_keeps_the_mute_for_the_next_run(
    make_room: MakeRoom, fake: FakeLiveKitGateway, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    room = await make_room()
    fake.connect(
        room.name, "max", grants=permissions.grants_for_role("member", "video", muted={"microphone"})
    )
    async with session_factory() as setup, setup.begin():
        await _mute(setup, room, "max", "microphone", PAST)
    fake.down = True
    async with session_factory() as run:
        with pytest.raises(LiveKitUnavailable):
            await jobs.expire_mutes(run, fake)
        await run.rollback()  # what the scheduler does with a failed run
    async with session_factory() as check:
        assert await mutes_of(check, room) == [("max", "microphone")]
        assert await audit_of(check, room) == []
    fake.down = False
    async with session_factory() as retry:
        assert await jobs.expire_mutes(retry, fake) == 1
        await retry.commit()
    assert "microphone" in fake.participants[room.name]["max"].can_publish_sources


async def _blocked_on_a_room(probe: AsyncSession, connection_id: int) -> bool:
    """Whether that connection is inside a statement that locks a room row (what the job did, before,
    while it held the expired mute rows). PROCESSLIST shows our own user's threads without PROCESS."""
    info = (
        await probe.execute(
            text("SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = :id"), {"id": connection_id}
        )
    ).scalar_one_or_none()
    return bool(info) and "FROM rooms" in info and "FOR UPDATE" in info


async def test_expiry_and_a_mute_request_on_the_same_room_do_not_deadlock(
    make_room: MakeRoom, fake: FakeLiveKitGateway, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """A mute request locks the room (``RoomAction``), then upserts its mute rows. Expiry used to lock the
    expired mute rows first and then wait for the room: when the request then re-muted that identity,
    each waited on the other and MariaDB rolled one back (1213). Now expiry takes the room first (``SKIP
    LOCKED``): while a request holds it, expiry takes nothing and waits for nothing, and lifts the room's
    due mutes on its next run."""
    room = await make_room()
    async with session_factory() as setup, setup.begin():
        await _mute(setup, room, "max", "microphone", PAST)
        await _mute(setup, room, "mia", "camera", PAST)
    async with session_factory() as request, session_factory() as job, session_factory() as probe:
        await request.execute(select(Room).where(Room.id == room.id).with_for_update())
        job_connection = int((await job.execute(text("SELECT CONNECTION_ID()"))).scalar_one())
        lifting = asyncio.create_task(jobs.expire_mutes(job, fake))
        deadline = asyncio.get_running_loop().time() + 30
        while not lifting.done() and not await _blocked_on_a_room(probe, job_connection):
            assert asyncio.get_running_loop().time() < deadline, "expiry neither finished nor blocked"
            await asyncio.sleep(0.01)
        # The request re-mutes max for an hour: the row expiry would have held under the old order.
        until = utcnow() + LATER
        await request.execute(
            mysql_insert(Mute)
            .values(
                room_id=room.id, identity="max", source="microphone", expires_at=until, created_at=utcnow()
            )
            .on_duplicate_key_update(expires_at=until)
        )
        await request.commit()
        assert await asyncio.wait_for(lifting, 30) == 0  # the room was busy: nothing taken
        await job.commit()
        await probe.rollback()
    async with session_factory() as after:
        assert await jobs.expire_mutes(after, fake) == 1  # mia's; max's runs for an hour now
        await after.commit()
        assert await mutes_of(after, room) == [("max", "microphone")]
        assert [e["target"] for e in await audit_of(after, room)] == ["mia"]
