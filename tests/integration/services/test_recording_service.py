"""Recording rules at the service layer (real MariaDB session, the fake gateway): what LiveKit's room end
and a join do to recordings, and the start's writes when LiveKit fails or a dispatch already exists."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls import recorder
from roomsvc.config import load_settings
from roomsvc.db import utcnow
from roomsvc.errors import LiveKitUnavailable
from roomsvc.events.models import Event
from roomsvc.recordings import jobs, service
from roomsvc.recordings.models import Recording
from roomsvc.recordings.schemas import RecordingCreate
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import MakeRoom, load_room

SETTINGS = load_settings({})


async def _start(
    db: AsyncSession, fake: FakeLiveKitGateway, name: str, kind: str = "room_audio"
) -> Recording:
    room = await load_room(db, name, for_update=True)
    return await service.start(
        db,
        fake,
        room,
        RecordingCreate(kind=kind),  # type: ignore[arg-type]
        requested_by="svc-test",
        settings=SETTINGS.recording,
        storage=SETTINGS.recording_storage,
    )


async def _of_room(db: AsyncSession, room_id: int) -> list[Recording]:
    query = select(Recording).where(Recording.room_id == room_id).order_by(Recording.id)
    return list((await db.execute(query.execution_options(populate_existing=True))).scalars())


async def test_livekit_finishing_the_room_stops_its_recordings(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    recording = await _start(db, fake, room.name)
    await db.commit()
    room = await load_room(db, room.name, for_update=True)
    room.livekit_sid = "RM_svc1"
    await recorder.room_finished(db, room, "RM_svc1", dt.datetime.now(dt.UTC))
    await db.flush()
    (stopped,) = await _of_room(db, room.id)
    assert stopped.id == recording.id and stopped.state == "stopping" and stopped.stop_reason == "room_ended"
    types = (await db.execute(select(Event.type).where(Event.room_name == room.name))).scalars().all()
    assert "room.ended" in types and types.count("recording.stopped") == 1


async def test_livekit_refusing_the_dispatch_fails_the_recording_and_leaves_no_active_row(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    fake.fail_next("create_dispatch", LiveKitUnavailable("LiveKit is unreachable; retry shortly."))
    with pytest.raises(LiveKitUnavailable):
        await _start(db, fake, room.name)
    await db.rollback()  # the request's edge rolls back: the failure was committed before
    (failed,) = await _of_room(db, room.id)
    assert (
        failed.state == "failed" and failed.active is None and "unreachable" in (failed.failure_reason or "")
    )
    assert (await _start(db, fake, room.name)).state == "starting"  # nothing blocks the next start


async def test_auto_record_starts_once_per_livekit_session_and_the_job_dispatches_it_once(
    db: AsyncSession,
    make_room: MakeRoom,
    fake: FakeLiveKitGateway,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    room = await make_room()
    room = await load_room(db, room.name, for_update=True)
    room.auto_record, room.livekit_sid = "tracks", "RM_auto1"
    first = await service.auto_start(db, room)
    assert first is not None and first.kind == "tracks" and first.auto and first.storage == ""
    assert await service.auto_start(db, room) is None  # the second join of the same session
    # Committed not yet due, so the suite's own `roomsvc jobs` (running once any test started it) never
    # dispatches it first through the real LiveKit: it is made due below, uncommitted, in the
    # transaction that dispatches it.
    first.dispatch_due_at = utcnow() + dt.timedelta(hours=1)
    await db.commit()

    # A dispatch already in LiveKit for this recording (an earlier try that crashed): no second one.
    job = {"recording_id": first.public_id}
    existing = await fake.create_dispatch(
        room.livekit_name, SETTINGS.recording.agent_name, msgspec.json.encode(job).decode()
    )
    async with session_factory() as session, session.begin():
        await session.execute(
            update(Recording).where(Recording.id == first.id).values(dispatch_due_at=utcnow())
        )
        handled = await jobs.dispatch_due(
            session, gateway=fake, settings=SETTINGS.recording, storage=SETTINGS.recording_storage
        )
    assert handled >= 1
    (dispatched,) = await _of_room(db, room.id)
    assert dispatched.dispatch_id == existing and dispatched.dispatch_due_at is None
    assert dispatched.backend == "agent" and dispatched.storage == SETTINGS.recording_storage.backend
    assert [d.id for d in fake.dispatches.values() if d.room == room.livekit_name] == [existing]

    # Stopped, then a new LiveKit session of the room: one new auto recording.
    await service.stop(db, fake, dispatched)
    await service.fail(db, dispatched, "test over")
    room = await load_room(db, room.name, for_update=True)
    room.livekit_sid = "RM_auto2"
    second = await service.auto_start(db, room)
    assert second is not None and second.id != first.id and second.room_sid == "RM_auto2"
