"""Webhook event → call-record facts (calls/recorder.py). Unknown event types are kept and ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.calls import recorder
from roomsvc.calls.models import MediaJob
from roomsvc.config import DetectionSettings
from roomsvc.db import utcnow
from roomsvc.detection import service as detection_service
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.moderation import permissions
from roomsvc.rooms.models import Room

TRACK_KINDS = {"AUDIO": "audio", "VIDEO": "video", "DATA": "data"}
TRACK_SOURCES = {
    "CAMERA": "camera",
    "MICROPHONE": "microphone",
    "SCREEN_SHARE": "screen_share",
    "SCREEN_SHARE_AUDIO": "screen_share_audio",
}
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


async def apply(
    session: AsyncSession,
    event: dict[str, Any],
    room: Room | None,
    evictions: list[tuple[str, str]] | None = None,
    *,
    detection: DetectionSettings,
) -> str:
    """Apply one verified event; the caller holds ``room``'s row lock. Returns the outcome recorded.

    A banned identity that joined (an older token still works: self-hosted LiveKit does not revoke
    tokens) is appended to ``evictions``; the caller removes it from LiveKit once this is committed.
    """
    kind = event["event"]
    at = seconds(event.get("createdAt")) or utcnow()
    if kind in MEDIA_EVENTS:
        return await _media(session, event, kind, at)
    if room is None:
        return "unknown-room"
    room_info = event.get("room") or {}
    room_sid = room_info.get("sid")
    if not room_sid:
        return "ignored"
    if kind == "room_started":
        started = millis(room_info.get("creationTimeMs")) or seconds(room_info.get("creationTime")) or at
        await recorder.room_started(session, room, room_sid, started)
        return "applied"
    if kind == "room_finished":
        await recorder.room_finished(session, room, room_sid, at)
        return "applied"
    participant = event.get("participant") or {}
    if not participant.get("sid"):
        return "ignored"
    fact = participant_fact(participant)
    if kind == "participant_joined":
        await recorder.participant_joined(session, room, room_sid, fact, at)
        if evictions is not None and await permissions.active_ban(session, room.id, fact.identity):
            evictions.append((room.name, fact.identity))
        if fact.kind == "standard":  # our agent may be gone: roomsvc jobs checks and re-dispatches
            await detection_service.note_participant_joined(session, room, detection)
        return "applied"
    if kind in ("participant_left", "participant_connection_aborted"):
        reason = (
            "connection_aborted"
            if kind == "participant_connection_aborted"
            else str(participant.get("disconnectReason") or "unknown").lower()
        )
        await recorder.participant_left(session, room, room_sid, fact, at, reason)
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
        )
        return "applied"
    return "ignored"


async def _media(session: AsyncSession, event: dict[str, Any], kind: str, at: dt.datetime) -> str:
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
    existing = (
        await session.execute(
            select(MediaJob).where(MediaJob.kind == media, MediaJob.job_id == job_id).with_for_update()
        )
    ).scalar_one_or_none()
    if existing is None:
        await session.execute(
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
    else:
        if rank == 1 and existing.started_at is None:
            existing.started_at = at
        if rank == 3 and existing.ended_at is None:
            existing.ended_at = at
        if rank >= existing.status_rank:
            existing.status, existing.status_rank = status, rank
            existing.info = _encoder.encode(info).decode()
    await events.emit(
        session,
        EventType.EGRESS_UPDATED if media == "egress" else EventType.INGRESS_UPDATED,
        room=room_name,
        occurred_at=at,
        data={f"{media}_id": job_id, "status": status, "event": kind},
    )
    return "applied"
