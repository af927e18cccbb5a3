"""Scored windows: ingestion from the worker (idempotent), per-track state transitions, queries, summary.

Persistence granularity: every scored window is one row (a 4 s window every 2 s hop by default, so
about one row per speaking track every 2 s), keyed by (track, model, window start): the worker's retries
never store a window twice. The worker computes the smoothed score and the hysteresis state; the API
keeps each track's latest state in ``detection_tracks`` and acts on transitions: ``detection.state_changed``
on every change, and the flow's ``on_alert`` (``detection/flows.py``) on entering ``alert``. Windows
older than the track's latest (a late retry) are stored but never move the state backwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import func, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import newest_first, utcnow
from roomsvc.detection import service as detection_service
from roomsvc.detection.mappers import detection_out
from roomsvc.detection.records import Detection, DetectionModel, DetectionTrack, RoomDetection
from roomsvc.detection.schemas import (
    AlertOut,
    DetectionPage,
    DetectionSummary,
    IngestResult,
    ModelRef,
    ParticipantSummary,
    TrackSummary,
    WindowBatch,
    WindowIn,
)
from roomsvc.errors import BadRequest, Conflict
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.rooms.models import Room
from roomsvc.types import Page, decode_cursor, encode_cursor, require_aware

log = structlog.get_logger("roomsvc.detection.results")

# The detection summary lists at most this many tracks per participant (its figures count every track).
TRACKS_PER_PARTICIPANT = 20


def _check_window(index: int, window: WindowIn, model: DetectionModel | None) -> None:
    field = f"windows[{index}]"
    if model is None:
        raise BadRequest(f"`{field}.model_id` {window.model_id} is not a registered model", field=field)
    if model.kind != window.kind:
        raise BadRequest(
            f"`{field}.kind` is {window.kind} but model {model.label} is {model.kind}", field=field
        )
    for name in ("window_start", "window_end"):
        if getattr(window, name).tzinfo is None:
            raise BadRequest(f"`{field}.{name}` needs a time zone offset", field=field)
    if window.window_end <= window.window_start:
        raise BadRequest(f"`{field}.window_end` must be after window_start", field=field)


async def _track(session: AsyncSession, room: Room, room_sid: str, window: WindowIn) -> DetectionTrack:
    now = utcnow()
    await session.execute(
        mysql_insert(DetectionTrack)
        .prefix_with("IGNORE")
        .values(
            room_id=room.id,
            room_sid=room_sid,
            identity=window.identity,
            participant_sid=window.participant_sid,
            track_sid=window.track_sid,
            kind=window.kind,
            state="clear",
            last_score=0.0,
            max_score=0.0,
            windows=0,
            model_id=window.model_id,
            alerts=0,
            created_at=now,
            updated_at=now,
        )
    )
    query = select(DetectionTrack).where(DetectionTrack.track_sid == window.track_sid).with_for_update()
    track = (await session.execute(query)).scalar_one()
    if track.room_id != room.id:
        raise BadRequest(f"track {window.track_sid} belongs to another room", field="windows")
    return track


# What a flow does when a track enters ``alert`` (policy, message, event); returns the alert's summary.
OnAlert = Callable[[RoomDetection, DetectionTrack, Detection, DetectionModel], Awaitable[AlertOut]]


async def ingest(session: AsyncSession, room: Room, batch: WindowBatch, *, on_alert: OnAlert) -> IngestResult:
    """Store the worker's windows (idempotently) and move each track's state forward; ``on_alert`` is
    called, in window order, for each track that enters ``alert``."""
    run = await detection_service.get_run(session, room)
    if run is None or not run.enabled:
        raise Conflict(f"Detection is not enabled in room {room.name!r}.", code="detection-stopped")
    ids = sorted({w.model_id for w in batch.windows})
    models = {
        m.id: m
        for m in (await session.execute(select(DetectionModel).where(DetectionModel.id.in_(ids)))).scalars()
    }
    for index, window in enumerate(batch.windows):
        _check_window(index, window, models.get(window.model_id))
    stored = duplicates = 0
    alerts_out: list[AlertOut] = []
    tracks: dict[str, DetectionTrack] = {}
    for window in sorted(batch.windows, key=lambda w: (w.track_sid, w.window_start)):
        model = models[window.model_id]
        row = Detection(
            room_id=room.id,
            room_name=room.name,
            room_sid=batch.room_sid,
            identity=window.identity,
            participant_sid=window.participant_sid,
            track_sid=window.track_sid,
            kind=window.kind,
            window_start=window.window_start,
            window_end=window.window_end,
            score=window.score,
            smoothed_score=window.smoothed_score,
            state=window.state,
            model_id=model.id,
            model_name=model.name,
            model_version=model.version,
            created_at=utcnow(),
        )
        values = {c.key: getattr(row, c.key) for c in Detection.__table__.columns if c.key != "id"}
        result = await session.execute(mysql_insert(Detection).prefix_with("IGNORE").values(**values))
        if not result.rowcount:  # type: ignore[attr-defined]
            duplicates += 1
            continue
        stored += 1
        track = tracks.get(window.track_sid) or await _track(session, room, batch.room_sid, window)
        tracks[window.track_sid] = track
        track.windows += 1
        track.max_score = max(track.max_score, window.score)
        if track.last_window_end is not None and window.window_end <= track.last_window_end:
            continue  # a late retry: stored, but the state only moves forward in time
        previous = track.state
        track.last_score = window.score
        track.last_window_end = window.window_end
        track.model_id = model.id
        track.participant_sid = window.participant_sid
        track.updated_at = utcnow()
        if window.state == previous:
            continue
        track.state = window.state
        await events.emit(
            session,
            EventType.DETECTION_STATE_CHANGED,
            room=room.name,
            project_id=room.project_id,
            occurred_at=window.window_end,
            data={
                "identity": track.identity,
                "participant_sid": track.participant_sid,
                "track_sid": track.track_sid,
                "kind": track.kind,
                "from": previous,
                "to": window.state,
                "score": round(window.score, 4),
                "smoothed_score": round(window.smoothed_score, 4),
                "model": {"id": model.id, "name": model.name, "version": model.version},
            },
        )
        if window.state == "alert":
            track.alerts += 1
            track.alerted_at = utcnow()
            await session.flush()
            alerts_out.append(await on_alert(run, track, row, model))
    await session.flush()
    if stored:
        log.info("detection.windows_stored", room=room.name, stored=stored, duplicates=duplicates)
    return IngestResult(stored=stored, duplicates=duplicates, alerts=alerts_out)


# --- queries ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectionQuery:
    """Filters of a detections listing; ``since``/``until`` bound the window start."""

    identity: str | None = None
    state: str | None = None
    kind: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


async def list_detections(
    session: AsyncSession, project_id: int, room: Room | None, filters: DetectionQuery, page: Page
) -> DetectionPage:
    """The project's scored windows (of ``room`` only, if given), newest first; ``since`` inclusive,
    ``until`` exclusive."""
    if room is not None:
        query = select(Detection).where(Detection.room_id == room.id)
    else:
        query = (
            select(Detection).join(Room, Room.id == Detection.room_id).where(Room.project_id == project_id)
        )
    for column, value in (
        (Detection.identity, filters.identity),
        (Detection.state, filters.state),
        (Detection.kind, filters.kind),
    ):
        if value:
            query = query.where(column == value)
    if require_aware(filters.since, "since") is not None:
        query = query.where(Detection.window_start >= filters.since)
    if require_aware(filters.until, "until") is not None:
        query = query.where(Detection.window_start < filters.until)
    rows, next_cursor = await newest_first(session, query, Detection.id, page)
    return DetectionPage(items=[detection_out(r) for r in rows], next_cursor=next_cursor)


async def summary(session: AsyncSession, room: Room, page: Page) -> DetectionSummary:
    """Per participant, a page of them in the order each was first scored: the state of its most recently
    scored track, its max score, windows and alerts over every track, and its most recently updated tracks
    (at most ``TRACKS_PER_PARTICIPANT``)."""
    after, limit = decode_cursor(page.cursor) or 0, page.limit
    first_id = func.min(DetectionTrack.id)
    identities = (
        await session.execute(
            select(DetectionTrack.identity, first_id)
            .where(DetectionTrack.room_id == room.id)
            .group_by(DetectionTrack.identity)
            .having(first_id > after)
            .order_by(first_id)
            .limit(limit + 1)
        )
    ).all()
    next_cursor = encode_cursor(identities[limit - 1][1]) if len(identities) > limit else None
    order = [identity for identity, _ in identities[:limit]]
    rows = (
        (
            await session.execute(
                select(DetectionTrack, DetectionModel)
                .join(DetectionModel, DetectionModel.id == DetectionTrack.model_id)
                .where(DetectionTrack.room_id == room.id, DetectionTrack.identity.in_(order))
                .order_by(DetectionTrack.identity, DetectionTrack.id)
            )
        ).all()
        if order
        else []
    )
    by_identity: dict[str, list[TrackSummary]] = {identity: [] for identity in order}
    for track, model in rows:
        by_identity[track.identity].append(
            TrackSummary(
                track_sid=track.track_sid,
                participant_sid=track.participant_sid,
                kind=track.kind,  # type: ignore[arg-type]
                state=track.state,  # type: ignore[arg-type]
                last_score=track.last_score,
                max_score=track.max_score,
                windows=track.windows,
                alerts=track.alerts,
                model=ModelRef(id=model.id, name=model.name, version=model.version),
                updated_at=track.updated_at,
            )
        )
    participants = []
    for identity, tracks in by_identity.items():
        latest = max(tracks, key=lambda t: t.updated_at)
        shown = sorted(tracks, key=lambda t: t.updated_at, reverse=True)[:TRACKS_PER_PARTICIPANT]
        participants.append(
            ParticipantSummary(
                identity=identity,
                state=latest.state,
                max_score=max(t.max_score for t in tracks),
                windows=sum(t.windows for t in tracks),
                alerts=sum(t.alerts for t in tracks),
                tracks=[t for t in tracks if any(t is u for u in shown)],
                tracks_truncated=len(shown) < len(tracks),
            )
        )
    return DetectionSummary(room=room.name, participants=participants, next_cursor=next_cursor)
