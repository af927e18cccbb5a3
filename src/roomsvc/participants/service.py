"""Participant behaviour: join (checks, one upsert, a token), list/get merged with LiveKit, update, remove.

The join path is the hot path (bench/join.py): one room read, one ban read, one upsert and a locally
signed token — no LiveKit round trip, except for rooms with ``max_participants`` where LiveKit's live
participant list is the only honest count.
"""

from __future__ import annotations

import datetime as dt
import json

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, Conflict, Forbidden, NotFound
from roomsvc.livekit import LiveKitGateway, LiveKitParticipant
from roomsvc.moderation import service as moderation_service
from roomsvc.participants.models import Participant
from roomsvc.participants.schemas import (
    GrantsOut,
    JoinRequest,
    JoinResponse,
    ParticipantList,
    ParticipantOut,
    ParticipantUpdate,
    TrackOut,
)
from roomsvc.participants.tokens import attributes_json, mint_join_token
from roomsvc.rooms import service as room_service
from roomsvc.rooms.models import Room
from roomsvc.types import metadata_text

log = structlog.get_logger("roomsvc.participants")


async def _row(session: AsyncSession, room_id: int, identity: str) -> Participant | None:
    query = select(Participant).where(Participant.room_id == room_id, Participant.identity == identity)
    return (await session.execute(query)).scalar_one_or_none()


def _resolve_role(room: Room, identity: str, requested: str | None, existing_role: str | None) -> str:
    if identity == room.owner:
        return "owner"
    if requested == "owner":
        raise Forbidden(
            f"Only the room's owner ({room.owner!r}) has the owner role; transfer ownership to change it.",
            code="owner-role-reserved",
        )
    if requested:
        return requested
    return existing_role or "member"


async def join(
    session: AsyncSession,
    gateway: LiveKitGateway,
    settings: Settings,
    room_name: str,
    data: JoinRequest,
    caller: Caller,
    *,
    via_invitation: bool = False,
) -> JoinResponse:
    gateway.ensure_available()
    context = await moderation_service.join_context(session, room_name, data.identity)
    room = room_service.open_(context.room if context else None, room_name)
    assert context is not None
    context.ensure_not_banned(data.identity)
    if room.invite_on and not via_invitation and not caller.is_admin:
        raise Forbidden(
            f"Room {room.name!r} is invite-only: join through an invitation (or with the admin scope).",
            code="invitation-required",
        )
    ttl = data.ttl or settings.tokens.default_ttl
    if ttl > settings.tokens.max_ttl:
        raise BadRequest(f"`ttl` may be at most {settings.tokens.max_ttl} seconds", field="ttl")
    role = _resolve_role(room, data.identity, data.role, context.existing_role)
    if room.max_participants:
        present = await gateway.list_participants(room.name)
        others = [p for p in present if p.kind == "standard" and p.identity != data.identity]
        if len(others) >= room.max_participants:
            raise Conflict(
                f"Room {room.name!r} is full ({room.max_participants} participants).", code="room-full"
            )

    metadata = metadata_text(data.metadata)
    grants = context.grants(role)
    token, exp = mint_join_token(
        api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret,
        room=room.name,
        identity=data.identity,
        grants=grants,
        ttl=ttl,
        name=data.name,
        metadata=metadata,
        attributes=data.attributes,
    )
    expires_at = dt.datetime.fromtimestamp(exp, dt.UTC)
    now = utcnow()
    values = {
        "room_id": room.id,
        "identity": data.identity,
        "name": data.name,
        "role": role,
        "participant_metadata": metadata,
        "attributes": attributes_json(data.attributes),
        "state": "invited",
        "token_expires_at": expires_at,
        "created_at": now,
        "updated_at": now,
    }
    statement = mysql_insert(Participant).values(**values)
    # A returning participant keeps its state (joined/left) until LiveKit tells us otherwise.
    statement = statement.on_duplicate_key_update(
        name=statement.inserted.name,
        role=statement.inserted.role,
        metadata=statement.inserted.metadata,
        attributes=statement.inserted.attributes,
        token_expires_at=statement.inserted.token_expires_at,
        updated_at=statement.inserted.updated_at,
    )
    await session.execute(statement)
    log.debug("participant.token_issued", room=room.name, identity=data.identity, role=role, ttl=ttl)
    return JoinResponse(
        token=token,
        url=settings.livekit.public_url,
        identity=data.identity,
        room=room.name,
        role=role,  # type: ignore[arg-type]
        grants=GrantsOut(**grants.to_dict()),
        expires_at=expires_at,
    )


def _merge(row: Participant | None, live: LiveKitParticipant | None) -> ParticipantOut:
    assert row is not None or live is not None
    tracks = (
        [TrackOut(sid=t.sid, kind=t.kind, source=t.source, muted=t.muted) for t in live.tracks]
        if live
        else []
    )
    if row is None:
        assert live is not None
        return ParticipantOut(
            identity=live.identity,
            name=live.name,
            role=None,
            state="joined",
            connected=True,
            metadata=live.metadata,
            attributes=live.attributes,
            livekit_sid=live.sid,
            joined_at=live.joined_at,
            left_at=None,
            tracks=tracks,
        )
    state = "joined" if live else ("left" if row.state == "joined" else row.state)
    return ParticipantOut(
        identity=row.identity,
        name=row.name,
        role=row.role,  # type: ignore[arg-type]
        state=state,  # type: ignore[arg-type]
        connected=live is not None,
        metadata=row.participant_metadata,
        attributes=json.loads(row.attributes or "{}"),
        livekit_sid=live.sid if live else row.livekit_sid,
        joined_at=(live.joined_at if live else None) or row.joined_at,
        left_at=None if live else row.left_at,
        tracks=tracks,
    )


async def list_participants(
    session: AsyncSession, gateway: LiveKitGateway, room_name: str
) -> ParticipantList:
    room = await room_service.get_room(session, room_name)
    rows = list(
        (
            await session.execute(
                select(Participant).where(Participant.room_id == room.id).order_by(Participant.id)
            )
        ).scalars()
    )
    live = {p.identity: p for p in await gateway.list_participants(room.name)} if room.is_open else {}
    items = [_merge(row, live.pop(row.identity, None)) for row in rows]
    items.extend(_merge(None, p) for p in live.values() if p.kind == "standard")
    return ParticipantList(items=items)


async def get_participant(
    session: AsyncSession, gateway: LiveKitGateway, room_name: str, identity: str
) -> ParticipantOut:
    room = await room_service.get_room(session, room_name)
    row = await _row(session, room.id, identity)
    live = await gateway.get_participant(room.name, identity) if room.is_open else None
    if row is None and live is None:
        raise NotFound(
            f"{identity!r} is not a participant of room {room.name!r}.", code="participant-not-found"
        )
    return _merge(row, live)


async def update_participant(
    session: AsyncSession, gateway: LiveKitGateway, room_name: str, identity: str, data: ParticipantUpdate
) -> ParticipantOut:
    room = await room_service.get_open_room(session, room_name)
    row = await _row(session, room.id, identity)
    if row is None:
        raise NotFound(
            f"{identity!r} is not a participant of room {room.name!r}.", code="participant-not-found"
        )
    if data.role is not msgspec.UNSET:
        row.role = _resolve_role(room, identity, data.role, row.role)
    if data.name is not msgspec.UNSET:
        row.name = data.name
    if data.metadata is not msgspec.UNSET:
        row.participant_metadata = metadata_text(data.metadata)
    if data.attributes is not msgspec.UNSET:
        row.attributes = attributes_json(data.attributes)
    row.updated_at = utcnow()
    await session.flush()
    # Applied live; grants are always the full set for the (possibly new) role: LiveKit replaces them.
    live = await gateway.update_participant(
        room.name,
        identity,
        grants=await moderation_service.effective_grants(session, room, identity, row.role),
        name=None if data.name is msgspec.UNSET else data.name,
        metadata=None if data.metadata is msgspec.UNSET else row.participant_metadata,
        attributes=None if data.attributes is msgspec.UNSET else data.attributes,
    )
    log.info("participant.updated", room=room.name, identity=identity, role=row.role, live=live is not None)
    return _merge(row, live)


async def remove_participant(
    session: AsyncSession, gateway: LiveKitGateway, room_name: str, identity: str
) -> ParticipantOut:
    room = await room_service.get_room(session, room_name)
    row = await _row(session, room.id, identity)
    was_live = await gateway.remove_participant(room.name, identity) if room.is_open else False
    if row is None and not was_live:
        raise NotFound(
            f"{identity!r} is not a participant of room {room.name!r}.", code="participant-not-found"
        )
    if row is None:
        row = Participant(room_id=room.id, identity=identity, role="member")
        session.add(row)
    row.state = "left"
    row.left_at = utcnow()
    row.updated_at = row.left_at
    await session.flush()
    log.info("participant.removed", room=room.name, identity=identity, was_connected=was_live)
    return _merge(row, None)
