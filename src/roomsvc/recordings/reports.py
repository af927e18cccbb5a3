"""What the recorder reports (the worker's endpoints), and what LiveKit Egress reports (its webhooks).

Every report is idempotent, so the recorder may retry any of them: ``started`` on a recording already
``recording`` changes nothing, ``file-opened`` for a key already known returns that file, a second
``file-finished`` with the same hash changes nothing, and ``finished``/``failed`` on a finished recording
return it as it is. Each answer is the recording, so the recorder learns from it that a stop was asked
for (``state: stopping``) or that the recording is over. Every report counts as a heartbeat.
docs/recording.md#recorder-protocol describes the protocol.
"""

from __future__ import annotations

import secrets
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, Conflict, NotFound
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.recordings import service
from roomsvc.recordings.mappers import event_base
from roomsvc.recordings.models import Recording, RecordingFile
from roomsvc.recordings.schemas import FileFinished, FileOpened, RecorderHeartbeat, RecorderStarted
from roomsvc.recordings.storage.interface import InvalidKey, validate_key
from roomsvc.types import iso

log = structlog.get_logger("roomsvc.recordings")


def _beat(recording: Recording) -> None:
    if recording.is_active:
        recording.heartbeat_at = utcnow()


async def mark_started(session: AsyncSession, recording: Recording) -> None:
    if recording.state != "starting":
        return
    recording.state = "recording"
    recording.started_at = recording.started_at or utcnow()
    await events.emit(
        session,
        EventType.RECORDING_STARTED,
        room=recording.room_name,
        project_id=recording.project_id,
        data=event_base(recording) | {"started_at": iso(recording.started_at)},
    )


async def started(session: AsyncSession, recording: Recording, report: RecorderStarted) -> Recording:
    if report.agent_identity and recording.agent_identity is None:
        recording.agent_identity = report.agent_identity
    if report.room_sid and recording.room_sid is None:
        recording.room_sid = report.room_sid
    _beat(recording)
    await mark_started(session, recording)
    await session.flush()
    return recording


async def _file(session: AsyncSession, recording: Recording, key: str) -> RecordingFile | None:
    query = select(RecordingFile).where(
        RecordingFile.recording_id == recording.id, RecordingFile.storage_key == key
    )
    return (await session.execute(query.with_for_update())).scalar_one_or_none()


def _check_key(recording: Recording, key: str) -> None:
    try:
        validate_key(key)
    except InvalidKey as exc:
        raise BadRequest(str(exc), field="key") from None
    if not key.startswith(recording.key_prefix + "/"):
        raise BadRequest(
            f"`key` must start with the recording's key_prefix {recording.key_prefix + '/'!r}", field="key"
        )


async def file_opened(session: AsyncSession, recording: Recording, report: FileOpened) -> RecordingFile:
    """Register a file before its writer opens (so a recorder that dies is recovered from storage)."""
    _check_key(recording, report.key)
    existing = await _file(session, recording, report.key)
    if existing is not None:
        _beat(recording)
        return existing
    if not recording.is_active:
        raise Conflict(f"Recording {recording.public_id} is {recording.state}.", code="recording-finished")
    await session.execute(
        mysql_insert(RecordingFile)
        .prefix_with("IGNORE")  # a retry racing its first attempt
        .values(
            public_id=f"recf_{secrets.token_hex(12)}",
            recording_id=recording.id,
            kind=report.kind,
            identity=report.identity,
            track_sid=report.track_sid,
            storage_key=report.key,
            content_type=report.content_type,
            state="writing",
            size=0,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
    )
    _beat(recording)
    file = await _file(session, recording, report.key)
    assert file is not None
    return file


async def heartbeat(session: AsyncSession, recording: Recording, report: RecorderHeartbeat) -> Recording:
    _beat(recording)
    if report.files and recording.is_active:
        sizes = {progress.key: progress.size for progress in report.files}
        files = (await service.files_of(session, [recording]))[recording.id]
        for file in files:
            if file.state == "writing" and file.storage_key in sizes:
                file.size = max(file.size, sizes[file.storage_key])
        recording.bytes_written = max(recording.bytes_written, sum(f.size for f in files))
    await session.flush()
    return recording


async def file_finished(session: AsyncSession, recording: Recording, report: FileFinished) -> RecordingFile:
    _check_key(recording, report.key)
    file = await _file(session, recording, report.key)
    if file is None:
        raise NotFound(
            f"Recording {recording.public_id} has no file {report.key!r}; report it opened first.",
            code="recording-file-not-found",
        )
    if file.state in ("ready", "partial"):
        if file.sha256 != report.sha256:
            raise Conflict(
                f"File {report.key!r} was reported finished with another hash.", code="file-finished"
            )
        return file
    file.size = report.size
    file.sha256 = report.sha256
    file.duration_s = report.duration_s
    file.location = report.location
    file.state = "partial" if report.partial else "ready"
    _beat(recording)
    await session.flush()
    return file


async def finished(session: AsyncSession, recording: Recording) -> Recording:
    await service.finish(session, recording)
    await session.flush()
    return recording


async def failed(session: AsyncSession, recording: Recording, reason: str) -> Recording:
    await service.fail(session, recording, reason)
    await session.flush()
    return recording


# --- LiveKit Egress (the pass-through backend) ------------------------------------------------------------


async def egress_updated(session: AsyncSession, info: dict[str, Any]) -> None:
    """An ``egress_*`` webhook (the caller holds the room's lock): the recording's file and state follow
    Egress's. Unknown egress ids (Egress started outside roomsvc) are ignored."""
    egress_id = info.get("egressId")
    if not egress_id:
        return
    query = select(RecordingFile).where(RecordingFile.egress_id == egress_id).with_for_update()
    files = list((await session.execute(query)).scalars())
    if not files:
        return
    recording = (
        await session.execute(
            select(Recording).where(Recording.id == files[0].recording_id).with_for_update()
        )
    ).scalar_one()
    status = str(info.get("status") or "").removeprefix("EGRESS_").lower()
    if status == "active":
        await mark_started(session, recording)
    if status not in ("complete", "failed", "aborted", "limit_reached"):
        return
    results = {str(r.get("filename", "")): r for r in info.get("fileResults") or [] if isinstance(r, dict)}
    for file in files:
        if file.state != "writing":
            continue
        result = results.get(file.storage_key) or (
            next(iter(results.values())) if len(files) == 1 and results else None
        )
        if status in ("complete", "limit_reached") and result is not None:
            file.size = int(result.get("size") or 0)
            duration = int(result.get("duration") or 0)
            file.duration_s = duration / 1e9 if duration else None
            file.location = str(result.get("location") or "") or None
            file.state = "ready" if status == "complete" else "partial"
        else:
            file.state = "failed"
    await session.flush()
    siblings = (await service.files_of(session, [recording]))[recording.id]
    if any(f.state == "writing" for f in siblings):
        return  # other tracks' egresses are still running
    if recording.state == "starting" and status in ("complete", "limit_reached"):
        await mark_started(session, recording)
    reason = str(info.get("error") or f"egress {status}")
    await service.finish(session, recording, stop_reason="finished", empty_reason=reason)
