"""Recording behaviour: start, stop, read, list, delete; the room's end and ``auto_record``; finalizing.

**Starting** writes in a defined order, like creating a room (docs/architecture.md, "Writes that span
MySQL and LiveKit"), because LiveKit's ``CreateDispatch`` is not idempotent:

1. insert the recording ``starting`` under the room's row lock and **commit**: the unique key
   ``(room_id, kind, active)`` lets one recording per room and kind run (the loser gets ``409
   recording-running`` naming the winner); ``dispatch_due_at`` is set a grace period ahead;
2. lock the recording row again and, if nobody has, ``CreateDispatch`` the recorder agent with a
   :class:`~roomsvc.recordings.schemas.RecorderJob` as metadata (the ``egress`` backend starts LiveKit
   Egress instead, :mod:`roomsvc.recordings.egress`); record the dispatch id and clear
   ``dispatch_due_at`` (committed by the request edge);
3. if LiveKit refuses, the recording becomes ``failed`` with the reason, that is committed, and the
   caller gets the LiveKit error (503 ``livekit-unavailable``): no active row is left behind.

A crash between 1 and 2 leaves ``dispatch_due_at`` set: ``roomsvc jobs`` (``jobs.dispatch_due``) finds
the row, looks for a dispatch already carrying the recording's id (a crash after ``CreateDispatch``),
and creates one only if there is none. Recordings started by a room's ``auto_record`` are dispatched by
that job alone (the webhook that starts them is applied inside a batch transaction).

**States**: ``starting`` (dispatched) → ``recording`` (the recorder reported ``started``) → ``stopping``
(stop requested, or the room ended) → ``ready`` | ``partial`` | ``failed``. Every change emits its
event in the same transaction: ``recording.started``; ``recording.stopped`` once, when the recording
first stops capturing for whatever reason; then ``recording.ready`` (``partial`` included) or
``recording.failed``. The recorder's reports are in :mod:`roomsvc.recordings.reports`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.config import RecordingSettings, RecordingStorageSettings
from roomsvc.db import newest_first, utcnow
from roomsvc.errors import AppError, BadRequest, Conflict, Forbidden, NotFound
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitGateway
from roomsvc.recordings import egress
from roomsvc.recordings.mappers import event_base, ready_data
from roomsvc.recordings.models import Recording, RecordingFile
from roomsvc.recordings.schemas import RecorderJob, RecordingCreate
from roomsvc.recordings.storage.interface import InvalidKey, validate_key
from roomsvc.rooms.models import Room
from roomsvc.types import Page, iso, split_livekit_room_name

log = structlog.get_logger("roomsvc.recordings")
DISPATCH_GRACE = dt.timedelta(seconds=30)  # the API's own dispatch goes first; the jobs' is the fallback
_json = msgspec.json.Encoder()


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def require_worker(caller_id: str, worker_credential_id: str) -> None:
    """The recorder's reports come from the worker credential alone."""
    if caller_id != worker_credential_id:
        raise Forbidden(
            "Only the worker's credential (ROOMSVC_WORKER_CREDENTIAL_ID) may report on recordings.",
            code="worker-only",
        )


# --- lookups ---------------------------------------------------------------------------------------------


async def room_of(session: AsyncSession, project_id: int, name: str, *, for_update: bool = False) -> Room:
    """The project's room (404 ``room-not-found`` as every room route answers, a ``creating`` row
    included). Read from the table: this domain uses no room behaviour, so rooms can call it."""
    query = select(Room).where(Room.project_id == project_id, Room.name == name)
    if for_update:
        query = query.with_for_update()
    room = (await session.execute(query)).scalar_one_or_none()
    if room is None or room.status == "creating":
        raise NotFound(f"No room named {name!r}.", code="room-not-found")
    return room


async def get(
    session: AsyncSession, project_id: int, public_id: str, *, for_update: bool = False
) -> Recording:
    query = select(Recording).where(Recording.project_id == project_id, Recording.public_id == public_id)
    if for_update:
        query = query.with_for_update()
    recording = (await session.execute(query)).scalar_one_or_none()
    if recording is None:
        raise NotFound(f"No recording {public_id!r}.", code="recording-not-found")
    return recording


async def files_of(session: AsyncSession, recordings: Sequence[Recording]) -> dict[int, list[RecordingFile]]:
    ids = [r.id for r in recordings]
    found: dict[int, list[RecordingFile]] = {i: [] for i in ids}
    if ids:
        query = select(RecordingFile).where(RecordingFile.recording_id.in_(ids)).order_by(RecordingFile.id)
        for file in (await session.execute(query)).scalars():
            found[file.recording_id].append(file)
    return found


async def active_of(session: AsyncSession, room: Room, kind: str | None = None) -> list[Recording]:
    query = select(Recording).where(Recording.room_id == room.id, Recording.active.is_(True))
    if kind is not None:
        query = query.where(Recording.kind == kind)
    return list((await session.execute(query.order_by(Recording.id).with_for_update())).scalars())


async def list_recordings(
    session: AsyncSession,
    project_id: int,
    *,
    room: str | None,
    state: str | None,
    kind: str | None,
    page: Page,
) -> tuple[list[Recording], str | None]:
    query = select(Recording).where(Recording.project_id == project_id)
    if room:
        query = query.where(Recording.room_name == room)
    if state:
        query = query.where(Recording.state == state)
    if kind:
        query = query.where(Recording.kind == kind)
    return await newest_first(session, query, Recording.id, page)


# --- start -----------------------------------------------------------------------------------------------


def _key_prefix(room: Room, public_id: str, prefix: str | None) -> str:
    project = split_livekit_room_name(room.livekit_name)[0]
    key = "/".join(part for part in (project, prefix, public_id) if part)
    try:
        return validate_key(key)
    except InvalidKey as exc:
        raise BadRequest(f"`storage.prefix` is not usable: {exc}", field="storage.prefix") from None


def _new(
    room: Room,
    data: RecordingCreate,
    *,
    backend: str,
    storage: str,
    requested_by: str,
    auto: bool = False,
    due: dt.datetime | None,
) -> Recording:
    public_id = new_id("rec")
    return Recording(
        public_id=public_id,
        project_id=room.project_id,
        room_id=room.id,
        room_name=room.name,
        room_sid=room.livekit_sid,
        kind=data.kind,
        identities=_json.encode(sorted(set(data.identities))).decode(),
        track_sids=_json.encode(sorted(set(data.track_sids))).decode(),
        backend=backend,
        storage=storage,
        key_prefix=_key_prefix(room, public_id, data.storage.prefix if data.storage else None),
        state="starting",
        active=True,
        auto=auto,
        requested_by=requested_by,
        actor=data.actor,
        bytes_written=0,
        dispatch_due_at=due,
        heartbeat_at=utcnow(),  # the stale clock starts at creation: a recorder that never comes is stale
    )


def _running(recording: Recording) -> Conflict:
    return Conflict(
        f"Recording {recording.public_id} ({recording.kind}) is already running in room"
        f" {recording.room_name!r}; stop it first.",
        code="recording-running",
        recording_id=recording.public_id,
    )


async def start(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    data: RecordingCreate,
    *,
    requested_by: str,
    settings: RecordingSettings,
    storage: RecordingStorageSettings,
) -> Recording:
    """Start a recording of the (locked, open) room: see the module docstring for the order of writes."""
    if not room.is_open:
        raise Conflict(f"Room {room.name!r} has ended.", code="room-ended")
    if settings.backend == "egress" and storage.backend != "s3":
        raise Conflict(
            "ROOMSVC_RECORDING_BACKEND=egress needs ROOMSVC_RECORDING_STORAGE=s3: Egress writes to S3.",
            code="recording-misconfigured",
        )
    for running in await active_of(session, room, data.kind):
        raise _running(running)
    recording = _new(
        room,
        data,
        backend=settings.backend,
        storage=storage.backend,
        requested_by=requested_by,
        due=utcnow() + DISPATCH_GRACE,
    )
    session.add(recording)
    try:
        await session.commit()  # the row first (step 1): CreateDispatch is not idempotent
    except IntegrityError:
        await session.rollback()  # a concurrent start won the unique key
        winners = await active_of(session, room, data.kind)
        if winners:
            raise _running(winners[0]) from None
        raise Conflict("A concurrent recording start interfered; retry.", code="recording-busy") from None
    locked = await get(session, room.project_id, recording.public_id, for_update=True)
    try:
        await launch(session, gateway, locked, room, settings=settings, storage=storage)
    except AppError as exc:
        await fail(session, locked, f"the recorder could not be started: {exc.detail}"[:512])
        await session.commit()  # the failure is the outcome, whatever the request's edge does next
        raise
    return locked


async def launch(
    session: AsyncSession,
    gateway: LiveKitGateway,
    recording: Recording,
    room: Room,
    *,
    settings: RecordingSettings,
    storage: RecordingStorageSettings,
) -> None:
    """Step 2 on a locked row: dispatch the recorder (or start Egress) unless already done."""
    if not recording.storage:  # an auto recording: the settings of whoever dispatches it apply
        recording.backend, recording.storage = settings.backend, storage.backend
        if settings.backend == "egress" and storage.backend != "s3":
            raise Conflict(
                "ROOMSVC_RECORDING_BACKEND=egress needs ROOMSVC_RECORDING_STORAGE=s3: Egress writes to S3.",
                code="recording-misconfigured",
            )
    if recording.dispatch_id is not None or recording.egress_id is not None:
        recording.dispatch_due_at = None
        return
    if recording.backend == "egress":
        await egress.start(session, gateway, recording, room, storage)
    else:
        job = RecorderJob(
            recording_id=recording.public_id,
            project=split_livekit_room_name(room.livekit_name)[0],
            room=room.name,
            kind=recording.kind,  # type: ignore[arg-type]
            identities=msgspec.json.decode(recording.identities),
            track_sids=msgspec.json.decode(recording.track_sids),
            key_prefix=recording.key_prefix,
        )
        metadata = _json.encode(job).decode()
        recording.dispatch_id = await gateway.create_dispatch(
            room.livekit_name, settings.agent_name, metadata
        )
        log.info("recording.dispatched", recording=recording.public_id, dispatch_id=recording.dispatch_id)
    recording.dispatch_due_at = None
    await session.flush()


async def find_dispatch(
    gateway: LiveKitGateway, recording: Recording, room: Room, agent_name: str
) -> str | None:
    """The dispatch of this recording LiveKit already holds (a crash after CreateDispatch), if any."""
    for dispatch_id, name, metadata in await gateway.list_dispatch_details(room.livekit_name):
        if name == agent_name and recording.public_id in metadata:
            return dispatch_id
    return None


async def auto_start(session: AsyncSession, room: Room) -> Recording | None:
    """The room's ``auto_record`` when a participant joins (webhook path, room row locked): one auto
    recording per LiveKit room session. ``roomsvc jobs`` dispatches it (``jobs.dispatch_due``), and
    fills in the backend and storage from its settings then (``storage`` is empty until it does)."""
    if room.auto_record == "off" or not room.is_open or room.livekit_sid is None:
        return None
    done = await session.execute(
        select(Recording.id).where(
            Recording.room_id == room.id, Recording.auto.is_(True), Recording.room_sid == room.livekit_sid
        )
    )
    if done.first() is not None or await active_of(session, room, room.auto_record):
        return None
    recording = _new(
        room,
        RecordingCreate(kind=room.auto_record),  # type: ignore[arg-type]
        backend="agent",
        storage="",
        requested_by="auto_record",
        auto=True,
        due=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(recording)
    except IntegrityError:
        return None  # one is running after all
    log.info("recording.auto_started", room=room.name, recording=recording.public_id)
    return recording


# --- stop, room end --------------------------------------------------------------------------------------


async def mark_stopped(session: AsyncSession, recording: Recording, reason: str) -> None:
    """The recording stopped capturing: ``recording.stopped``, once, whatever stopped it."""
    if recording.stopped_at is not None:
        return
    recording.stopped_at = utcnow()
    recording.stop_reason = reason
    await events.emit(
        session,
        EventType.RECORDING_STOPPED,
        room=recording.room_name,
        project_id=recording.project_id,
        data=event_base(recording) | {"reason": reason, "stopped_at": iso(recording.stopped_at)},
    )


async def stop(
    session: AsyncSession, gateway: LiveKitGateway, recording: Recording, *, reason: str = "requested"
) -> Recording:
    """Ask the (locked) recording to stop: ``stopping``; the recorder finishes its files and reports.
    Idempotent: a stopping or finished recording is returned as it is."""
    if recording.state not in ("starting", "recording"):
        return recording
    if recording.backend == "egress":
        await egress.stop(session, gateway, recording)
    recording.state = "stopping"
    await mark_stopped(session, recording, reason)
    await session.flush()
    return recording


async def on_room_ended(session: AsyncSession, room: Room) -> None:
    """The room ended (POST …/end, ``room_finished``, reconciliation; the room row is locked): its running
    recordings go to ``stopping``. The recorder sees the room close and finishes; Egress ends by itself."""
    for recording in await active_of(session, room):
        if recording.state in ("starting", "recording"):
            recording.state = "stopping"
            await mark_stopped(session, recording, "room_ended")


# --- finishing -------------------------------------------------------------------------------------------


async def fail(session: AsyncSession, recording: Recording, reason: str) -> None:
    """Final state ``failed`` with ``reason``; files still being written are marked failed."""
    if not recording.is_active:
        return
    await mark_stopped(session, recording, "failed")
    for file in (await files_of(session, [recording]))[recording.id]:
        if file.state == "writing":
            file.state = "failed"
    recording.state, recording.active = "failed", None
    recording.failure_reason = reason[:512]
    recording.ended_at = utcnow()
    recording.dispatch_due_at = None
    await events.emit(
        session,
        EventType.RECORDING_FAILED,
        room=recording.room_name,
        project_id=recording.project_id,
        data=event_base(recording) | {"reason": recording.failure_reason},
    )
    log.info("recording.failed", recording=recording.public_id, reason=recording.failure_reason)


async def finish(
    session: AsyncSession, recording: Recording, *, stop_reason: str = "finished", empty_reason: str = ""
) -> None:
    """Final state from the files: ``ready`` when every file is complete, ``partial`` when one was cut
    short (or lost), ``failed`` when none holds anything. Files still ``writing`` count as lost."""
    if not recording.is_active:
        return
    files = (await files_of(session, [recording]))[recording.id]
    for file in files:
        if file.state == "writing":
            file.state = "failed"
    usable = [f for f in files if f.state in ("ready", "partial")]
    if not usable:
        await fail(session, recording, empty_reason or "the recorder finished without writing any file")
        return
    await mark_stopped(session, recording, stop_reason)
    partial = any(f.state != "ready" for f in files)
    recording.state, recording.active = ("partial" if partial else "ready"), None
    recording.ended_at = utcnow()
    recording.dispatch_due_at = None
    recording.bytes_written = max(recording.bytes_written, sum(f.size for f in usable))
    await events.emit(
        session,
        EventType.RECORDING_READY,
        room=recording.room_name,
        project_id=recording.project_id,
        data=ready_data(recording, usable, partial=partial),
    )
    log.info("recording.finished", recording=recording.public_id, state=recording.state, files=len(usable))


# --- delete ----------------------------------------------------------------------------------------------


def deletable(recording: Recording) -> None:
    if recording.is_active:
        raise Conflict(
            f"Recording {recording.public_id} is {recording.state}; stop it and wait until it is finished.",
            code="recording-active",
        )


async def delete_rows(session: AsyncSession, recordings: Iterable[Recording]) -> None:
    for recording in recordings:
        await session.delete(recording)  # its files' rows go with it (ON DELETE CASCADE)
    await session.flush()
