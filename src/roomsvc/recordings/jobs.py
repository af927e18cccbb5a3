"""Recording's background work, run by ``roomsvc jobs`` (``roomsvc.scheduler``; the job table is
``roomsvc/jobs.py``). Each body takes the scheduler's session and claims its rows with ``SKIP LOCKED``.

- :func:`dispatch_due`: recordings whose dispatch is due (``auto_record``, or an API process that died
  between its commit and ``CreateDispatch``): dispatch the recorder unless LiveKit already holds a dispatch
  carrying the recording's id, or start Egress;
- :func:`sweep_stale`: running recordings whose recorder has not reported for
  ``ROOMSVC_RECORDING_STALE_SECONDS`` (killed, its host gone): every file still being written is
  recovered from storage (``recover``: what the writer had made durable, a playable prefix) and the
  recording ends ``partial``, or ``failed`` when nothing is recoverable or storage is unavailable;
- :func:`purge_old`: retention, ``ROOMSVC_RECORDING_RETENTION_DAYS``: finished recordings' files are
  deleted from storage, then their rows.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.config import RecordingSettings, RecordingStorageSettings
from roomsvc.db import utcnow
from roomsvc.errors import AppError, LiveKitUnavailable
from roomsvc.livekit import LiveKitGateway
from roomsvc.recordings import service
from roomsvc.recordings.models import Recording
from roomsvc.recordings.storage.interface import RecordingStorage
from roomsvc.retention import cutoff
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.recordings")
STORAGE_TIMEOUT = 10.0  # seconds one storage call may take in a job before it counts as unavailable
RETRY = dt.timedelta(seconds=5)


async def dispatch_due(
    session: AsyncSession,
    *,
    gateway: LiveKitGateway,
    settings: RecordingSettings,
    storage: RecordingStorageSettings,
    limit: int = 20,
) -> int:
    """Dispatch the recorder (or start Egress) for recordings whose dispatch is due; returns rows handled."""
    now = utcnow()
    rows = (
        await session.execute(
            select(Recording, Room)
            .join(Room, Room.id == Recording.room_id)
            .where(Recording.dispatch_due_at.is_not(None), Recording.dispatch_due_at <= now)
            .order_by(Recording.dispatch_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Recording)
        )
    ).all()
    for recording, room in rows:
        if recording.state != "starting" or not room.is_open:
            recording.dispatch_due_at = None  # stopped before it was dispatched: the sweeper ends it
            continue
        try:
            if recording.backend == "agent" and recording.dispatch_id is None:
                recording.dispatch_id = await service.find_dispatch(
                    gateway, recording, room, settings.agent_name
                )
            await service.launch(session, gateway, recording, room, settings=settings, storage=storage)
        except LiveKitUnavailable:
            recording.dispatch_due_at = now + RETRY
        except AppError as exc:
            await service.fail(session, recording, f"the recorder could not be started: {exc.detail}")
    return len(rows)


async def sweep_stale(
    session: AsyncSession,
    *,
    storage: RecordingStorage,
    stale_seconds: float,
    limit: int = 10,
    storage_timeout: float = STORAGE_TIMEOUT,
) -> int:
    """Finalize running recordings whose recorder stopped reporting; returns how many."""
    before = utcnow() - dt.timedelta(seconds=stale_seconds)
    last = func.coalesce(Recording.heartbeat_at, Recording.created_at)
    recordings = list(
        (
            await session.execute(
                select(Recording)
                .where(Recording.active.is_(True), Recording.backend == "agent", last < before)
                .order_by(Recording.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    for recording in recordings:
        await _recover(session, storage, recording, storage_timeout)
    return len(recordings)


async def _recover(
    session: AsyncSession, storage: RecordingStorage, recording: Recording, storage_timeout: float
) -> None:
    files = (await service.files_of(session, [recording]))[recording.id]
    log.warning("recording.stale", recording=recording.public_id, state=recording.state, files=len(files))
    for file in files:
        if file.state != "writing":
            continue
        try:
            stored = await asyncio.wait_for(storage.recover(file.storage_key), storage_timeout)
        except (AppError, OSError, TimeoutError) as exc:
            detail = exc.detail if isinstance(exc, AppError) else type(exc).__name__
            reason = (
                "the recorder stopped reporting and storage failed while recovering"
                f" {file.storage_key}: {detail}"
            )
            await service.fail(session, recording, reason)
            return
        if stored is None or stored.size == 0:
            file.state = "failed"
            continue
        file.size, file.sha256, file.location = stored.size, stored.sha256, stored.location
        file.state = "partial"
    if recording.state == "starting" and not files:
        reason = "the recorder never reported (is the recorder agent running?)"
    else:
        reason = "the recorder stopped reporting and nothing it wrote was recoverable"
    await service.finish(session, recording, stop_reason="stale", empty_reason=reason)
    if recording.state == "ready":  # every file had been finished: only the final report was lost
        return
    if recording.state == "partial":
        recording.failure_reason = "the recorder stopped reporting; the files end where it stopped"


async def purge_old(
    session: AsyncSession,
    *,
    storage: RecordingStorage,
    days: int,
    batch: int,
    storage_timeout: float = STORAGE_TIMEOUT,
) -> int:
    """Retention: delete up to ``batch`` finished recordings created more than ``days`` days ago, their files
    from storage first. A recording whose files storage cannot delete now is left for the next pass."""
    before = cutoff(days)
    if before is None:
        return 0
    recordings = list(
        (
            await session.execute(
                select(Recording)
                .where(Recording.active.is_(None), Recording.created_at < before)
                .order_by(Recording.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    files = await service.files_of(session, recordings)
    deleted = []
    for recording in recordings:
        try:
            for file in files[recording.id]:
                await asyncio.wait_for(storage.delete(file.storage_key), storage_timeout)
        except (AppError, OSError, TimeoutError) as exc:
            log.warning("recording.purge_failed", recording=recording.public_id, error=type(exc).__name__)
            continue
        deleted.append(recording)
    await service.delete_rows(session, deleted)
    return len(deleted)
