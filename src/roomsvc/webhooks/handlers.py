"""Webhook event → call-record facts (calls/recorder.py). Unknown event types are kept and ignored.

The applier (``webhooks/jobs.py``) applies a batch of events with one :class:`roomsvc.calls.batch.Batch`:
:func:`wanted` lists what each event will read, the batch loads it once, and :func:`apply` passes it to the
recorder. The per-room work of a join (detection and agents re-dispatch flags, ``auto_record``) is done
once per room per batch: it depends only on the room's row, which the batch's events change only by
closing it (then later calls do nothing either); :func:`prepare` reads the detection rows of all the
batch's joined rooms in one query and flags their agents in one UPDATE. Without a batch, every call
does all of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import msgspec
from sqlalchemy import CursorResult, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.agents import service as agents_service
from roomsvc.calls import recorder
from roomsvc.calls.batch import Batch, Wanted
from roomsvc.calls.models import MediaJob
from roomsvc.config import DetectionSettings
from roomsvc.db import utcnow
from roomsvc.detection import service as detection_service
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import Permission
from roomsvc.moderation.enforcement import Enforcement
from roomsvc.recordings import reports as recording_reports
from roomsvc.recordings import service as recording_service
from roomsvc.rooms.models import Room

TRACK_KINDS = {"AUDIO": "audio", "VIDEO": "video", "DATA": "data"}
TRACK_SOURCES = {
    "CAMERA": "camera",
    "MICROPHONE": "microphone",
    "SCREEN_SHARE": "screen_share",
    "SCREEN_SHARE_AUDIO": "screen_share_audio",
}
# TrackSource numbers, for a webhook that writes enums as numbers rather than names.
TRACK_SOURCE_NUMBERS = {1: "camera", 2: "microphone", 3: "screen_share", 4: "screen_share_audio"}
PARTICIPANT_KINDS = {
    "STANDARD": "standard",
    "INGRESS": "ingress",
    "EGRESS": "egress",
    "SIP": "sip",
    "AGENT": "agent",
}
# Egress/ingress statuses ranked so that a late "started" never overwrites "ended".
MEDIA_EVENTS = {
    "egress_started": ("egress", 1),
    "egress_updated": ("egress", 2),
    "egress_ended": ("egress", 3),
    "ingress_started": ("ingress", 1),
    "ingress_ended": ("ingress", 3),
}
_encoder = msgspec.json.Encoder()


def seconds(value: Any) -> dt.datetime | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(number, dt.UTC) if number > 0 else None


def millis(value: Any) -> dt.datetime | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(number / 1000, dt.UTC) if number > 0 else None


def participant_fact(participant: dict[str, Any]) -> recorder.ParticipantFact:
    return recorder.ParticipantFact(
        sid=participant["sid"],
        identity=participant.get("identity", ""),
        name=participant.get("name", "") or "",
        kind=PARTICIPANT_KINDS.get(str(participant.get("kind", "STANDARD")), "standard"),
        joined_at=millis(participant.get("joinedAtMs")) or seconds(participant.get("joinedAt")),
    )


def permission_of(participant: dict[str, Any]) -> Permission | None:
    """LiveKit's permission for the participant as the webhook reports it (protobuf JSON: fields at
    their default are omitted, so a missing flag is False); None when the webhook carries none."""
    permission = participant.get("permission")
    if not isinstance(permission, dict):
        return None
    sources = [
        TRACK_SOURCES.get(str(s)) or TRACK_SOURCE_NUMBERS.get(s if isinstance(s, int) else -1) or str(s)
        for s in permission.get("canPublishSources") or ()
    ]
    return Permission.normalized(
        can_subscribe=bool(permission.get("canSubscribe")),
        can_publish=bool(permission.get("canPublish")),
        can_publish_data=bool(permission.get("canPublishData")),
        can_publish_sources=sources,
        hidden=bool(permission.get("hidden")),
        can_update_metadata=bool(permission.get("canUpdateMetadata")),
    )


def room_name_of(event: dict[str, Any]) -> str | None:
    room = event.get("room") or {}
    name = room.get("name")
    if name:
        return str(name)
    for key in ("egressInfo", "ingressInfo"):
        info = event.get(key) or {}
        if info.get("roomName"):
            return str(info["roomName"])
    return None


def wanted(event: dict[str, Any], room: Room | None, into: Wanted) -> None:
    """Add what :func:`apply` will read for ``event`` to ``into`` (the batch loads it in one go)."""
    kind = event.get("event")
    room_sid = (event.get("room") or {}).get("sid")
    if room is None or kind in MEDIA_EVENTS or not room_sid:
        return
    into.room_ids.add(room.id)
    into.room_sids.add(str(room_sid))
    if kind in ("room_started", "room_finished"):
        into.room_session_of(str(room_sid), room)
    participant = event.get("participant") or {}
    if not participant.get("sid"):
        return
    fact = participant_fact(participant)
    into.participant_sids.add(fact.sid)
    into.identities.add((room.id, fact.identity))
    if kind in ("participant_joined", "participant_left", "participant_connection_aborted"):
        into.room_session_of(str(room_sid), room)
    if kind == "participant_joined":
        into.join_at(fact.joined_at or seconds(event.get("createdAt")) or utcnow())
        if fact.kind == "standard":
            into.joined_rooms.add(room.id)
    track = event.get("track") or {}
    if kind in ("track_published", "track_unpublished") and track.get("sid"):
        into.track_sids.add(str(track["sid"]))
        into.room_session_of(str(room_sid), room)


async def prepare(session: AsyncSession, wanted: Wanted, batch: Batch) -> None:
    """The per-room work of the batch's joins that does not depend on the event's moment, for all its
    joined rooms at once: their detection rows in one query (``batch.detection_runs``, read by
    :func:`apply`) and their agents flagged in one UPDATE (``agents_service.note_participants_joined``:
    it reads nothing and is a no-op once done, so the first join's call, made earlier, leaves the same
    rows)."""
    if not wanted.joined_rooms:
        return
    batch.detection_runs = await detection_service.runs_of(session, wanted.joined_rooms)
    await agents_service.note_participants_joined(session, wanted.joined_rooms)


async def apply(
    session: AsyncSession,
    event: dict[str, Any],
    room: Room | None,
    enforcements: list[Enforcement] | None = None,
    *,
    detection: DetectionSettings,
    batch: Batch | None = None,
) -> str:
    """Apply one verified event; the caller holds ``room``'s row lock. Returns the outcome recorded.

    A standard participant that joined is appended to ``enforcements``: an older token still works
    (self-hosted LiveKit does not revoke tokens), so once this is committed the caller re-asserts its
    effective permission set, or removes it when banned (``moderation/enforcement.py``).
    """
    kind = event["event"]
    at = seconds(event.get("createdAt")) or utcnow()
    if kind in MEDIA_EVENTS:
        return await _media(session, event, kind, at, room, batch)
    if room is None:
        return "unknown-room"
    room_info = event.get("room") or {}
    room_sid = room_info.get("sid")
    if not room_sid:
        return "ignored"
    if kind == "room_started":
        started = millis(room_info.get("creationTimeMs")) or seconds(room_info.get("creationTime")) or at
        await recorder.room_started(session, room, room_sid, started, batch=batch)
        return "applied"
    if kind == "room_finished":
        await recorder.room_finished(session, room, room_sid, at, batch=batch)
        return "applied"
    participant = event.get("participant") or {}
    if not participant.get("sid"):
        return "ignored"
    fact = participant_fact(participant)
    if kind == "participant_joined":
        await recorder.participant_joined(session, room, room_sid, fact, at, batch=batch)
        if fact.kind == "standard":
            if enforcements is not None:
                enforcements.append(
                    Enforcement(
                        room.id,
                        fact.identity,
                        permission_of(participant),
                        participant_sid=fact.sid,
                        livekit_room=room.livekit_name,
                    )
                )
            # Once per batch for the same state of the room row (module docstring).
            if batch is None or batch.once(
                "joined", room.id, room.status, room.livekit_sid, room.auto_record
            ):
                # our agent may be gone: roomsvc jobs checks and re-dispatches
                loaded = batch.detection_runs if batch is not None else None
                await detection_service.note_participant_joined(session, room, detection, loaded=loaded)
                if loaded is None:  # the same for the caller's agents (a batch did it in prepare())
                    await agents_service.note_participant_joined(session, room)
                await recording_service.auto_start(session, room)  # the room's auto_record; jobs dispatch it
        return "applied"
    if kind in ("participant_left", "participant_connection_aborted"):
        reason = (
            "connection_aborted"
            if kind == "participant_connection_aborted"
            else str(participant.get("disconnectReason") or "unknown").lower()
        )
        await recorder.participant_left(session, room, room_sid, fact, at, reason, batch=batch)
        return "applied"
    if kind in ("track_published", "track_unpublished"):
        track = event.get("track") or {}
        if not track.get("sid"):
            return "ignored"
        track_kind = TRACK_KINDS.get(str(track.get("type", "AUDIO")), "audio")
        source = TRACK_SOURCES.get(str(track.get("source", "")), "unknown")
        await recorder.track_changed(
            session,
            room,
            room_sid,
            fact,
            track["sid"],
            track_kind,
            source,
            at,
            published=kind == "track_published",
            batch=batch,
        )
        return "applied"
    return "ignored"


async def _media(
    session: AsyncSession,
    event: dict[str, Any],
    kind: str,
    at: dt.datetime,
    room: Room | None,
    batch: Batch | None = None,
) -> str:
    """An egress or ingress job's state; its event goes to the room's project (none for a room roomsvc
    does not hold: every event belongs to a project)."""
    media, rank = MEDIA_EVENTS[kind]
    info = event.get("egressInfo" if media == "egress" else "ingressInfo") or {}
    job_id = info.get("egressId") if media == "egress" else info.get("ingressId")
    if not job_id:
        return "ignored"
    status = str(
        (info.get("status") if media == "egress" else (info.get("state") or {}).get("status"))
        or kind.split("_")[1]
    ).lower()
    room_name = room_name_of(event)
    locked = select(MediaJob).where(MediaJob.kind == media, MediaJob.job_id == job_id).with_for_update()
    existing = (await session.execute(locked)).scalar_one_or_none()
    if existing is None:
        inserted = await session.execute(
            mysql_insert(MediaJob)
            .prefix_with("IGNORE")
            .values(
                kind=media,
                job_id=job_id,
                room_name=room_name,
                status=status,
                status_rank=rank,
                started_at=at if rank == 1 else None,
                ended_at=at if rank == 3 else None,
                info=_encoder.encode(info).decode(),
                updated_at=utcnow(),
            )
        )
        if cast("CursorResult[Any]", inserted).rowcount == 0:
            # Another applier inserted it meanwhile (events of a room roomsvc does not hold are not
            # serialised by a room lock): apply this one as an update of that row.
            existing = (await session.execute(locked)).scalar_one()
    if existing is not None:
        if rank == 1 and existing.started_at is None:
            existing.started_at = at
        if rank == 3 and existing.ended_at is None:
            existing.ended_at = at
        if rank >= existing.status_rank:
            existing.status, existing.status_rank = status, rank
            existing.info = _encoder.encode(info).decode()
    if media == "egress":
        await recording_reports.egress_updated(session, info)  # a recording's egress (the pass-through)
    if room is not None:
        await events.emit(
            session,
            EventType.EGRESS_UPDATED if media == "egress" else EventType.INGRESS_UPDATED,
            room=room.name,
            project_id=room.project_id,
            occurred_at=at,
            data={f"{media}_id": job_id, "status": status, "event": kind},
            outbox=batch.outbox if batch is not None else None,
        )
    return "applied"
