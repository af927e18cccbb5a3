"""Participant behaviour: join (checks, one upsert, a token), list/get merged with LiveKit, update, remove.

The join path is the hot path (bench/join.py): one room read, one ban read, one upsert and a locally
signed token — no LiveKit round trip, except for rooms with ``max_participants`` where LiveKit's live
participant list is the only honest count, and the first join of a scheduled room's session, which
creates its LiveKit room (``rooms.service.open_session``).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, cast

import msgspec
import structlog
from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects.mysql import Insert
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.db import DriverStatement, DriverTransaction, oldest_first, utcnow
from roomsvc.errors import BadRequest, Conflict, Forbidden, NotFound
from roomsvc.livekit import Grants, LiveKitGateway, LiveKitParticipant
from roomsvc.lobby import service as lobby_service
from roomsvc.lobby.models import LobbyRequest
from roomsvc.moderation import permissions
from roomsvc.participants.models import Participant
from roomsvc.participants.schemas import JoinRequest, ParticipantUpdate
from roomsvc.participants.tokens import attributes_json, mint_join_token
from roomsvc.rooms import service as room_service
from roomsvc.rooms.models import JoinRoom, Room
from roomsvc.types import Page, encode_cursor, metadata_text

log = structlog.get_logger("roomsvc.participants")


@dataclass(frozen=True)
class Admission:
    """A granted join: the signed LiveKit token and what it carries."""

    room: str
    identity: str
    role: str
    grants: Grants
    token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Presence:
    """A participant as we know it (row) and as LiveKit has it now (live); at least one is set."""

    row: Participant | None
    live: LiveKitParticipant | None


@functools.cache
def _upsert_membership() -> Insert:
    """The join's one write, built once: the membership row, inserted or refreshed. A returning participant
    keeps its state (joined/left) until LiveKit tells us otherwise."""
    table = cast(Table, Participant.__table__)
    statement = mysql_insert(table).values(
        {column: bindparam(key, type_=table.c[column].type) for column, key in _UPSERT_COLUMNS.items()}
    )
    return statement.on_duplicate_key_update(
        name=statement.inserted.name,
        role=statement.inserted.role,
        metadata=statement.inserted.metadata,
        attributes=statement.inserted.attributes,
        token_expires_at=statement.inserted.token_expires_at,
        updated_at=statement.inserted.updated_at,
    )


@functools.cache
def _upsert_membership_statement(dialect: Any) -> DriverStatement:
    return DriverStatement.compile(_upsert_membership(), dialect)


# Column of ``participants`` → the join's value of it (the ORM attribute name).
_UPSERT_COLUMNS = {
    "room_id": "room_id",
    "identity": "identity",
    "name": "name",
    "role": "role",
    "metadata": "participant_metadata",
    "attributes": "attributes",
    "state": "state",
    "token_expires_at": "token_expires_at",
    "created_at": "created_at",
    "updated_at": "updated_at",
}


async def _row(session: AsyncSession, room_id: int, identity: str) -> Participant | None:
    query = select(Participant).where(Participant.room_id == room_id, Participant.identity == identity)
    return (await session.execute(query)).scalar_one_or_none()


def _resolve_role(
    room: Room | JoinRoom,
    identity: str,
    requested: str | None,
    existing_role: str | None,
    *,
    moderated: bool = False,
) -> str:
    """The role a join or PATCH gives ``identity``. ``rooms:write`` sets ``member`` or ``audience`` only:
    ``admin`` is granted (and taken away) by the moderation role route (actor, rank, audit, event) or an
    admin invitation made with the moderation scope (``moderated``), ``owner`` only by a transfer.
    Asking for the role one already holds changes nothing and is allowed."""
    if identity == room.owner:
        return "owner"
    if requested == "owner":
        raise Forbidden(
            f"Only the room's owner ({room.owner!r}) has the owner role; transfer ownership to change it.",
            code="owner-role-reserved",
            field="role",
        )
    if not requested or requested == existing_role:
        return existing_role or "member"
    if not moderated and "admin" in (requested, existing_role):
        change = "grant" if requested == "admin" else "take away"
        raise Forbidden(
            f"`role` may be member or audience here: {change} admin with POST "
            f"/v1/rooms/{{room}}/participants/{{identity}}/role (moderation scope), or invite as admin "
            "with the moderation scope and an `actor`.",
            code="role-requires-moderation",
            field="role",
        )
    return requested


class NeedsSession(Exception):
    """Raised by :func:`join` on the join route's driver transaction when the join needs entities (a
    lobby knock, a scheduled room's first join), before it wrote anything: the route rolls back and runs
    the join again on an ORM session."""


async def join(
    db: DriverTransaction | AsyncSession,
    gateway: LiveKitGateway,
    settings: Settings,
    room_name: str,
    data: JoinRequest,
    caller: Caller,
    *,
    via_invitation: bool = False,
    moderated_role: bool = False,
) -> Admission | LobbyRequest:
    """Checks (room open, not banned, invite rule, TTL, lobby, capacity), one upsert, a locally signed token.

    In a room with ``lobby``, an identity that must wait (``lobby_service.needs_admission``) gets its
    join request instead of a token (the route answers 202); an invitation join never waits.

    Takes the room's name, not a loaded room: the room and the identity's ban, role, seat and mutes
    are read in one statement (``permissions.join_context``), the hot path's only read.
    ``moderated_role``: the requested role was authorized by moderation (an admin invitation).

    ``db`` is the request's transaction: the join route's driver transaction (``db.DriverPool``: no
    SQLAlchemy connection or ORM session on the hot path), or a session (an invitation's accept, or the
    join route's second run). The rare paths that need entities — a lobby knock, a scheduled room's
    first join — need a session: on a driver transaction they raise :class:`NeedsSession` before
    anything is written, and the route runs the join again on one.
    """
    gateway.ensure_available()
    context = await permissions.join_context(db, caller.require_project(), room_name, data.identity)
    room: Room | JoinRoom = room_service.open_(context.room if context else None, room_name)
    assert context is not None
    if isinstance(db, AsyncSession):
        # The caller's session (an invitation's accept) may hold the room's entity, with changes not
        # flushed yet: the join sees that entity, as a read of it through the session would.
        room = room_service.open_(await db.get(Room, room.id), room_name)
    room_service.ensure_joinable(room)  # 409 while locked, before opens_at, after the end
    context.ensure_not_banned(data.identity)
    if room.invite_on and not via_invitation and not caller.is_admin:
        raise Forbidden(
            f"Room {room.name!r} is invite-only: join through an invitation (or with the admin scope).",
            code="invitation-required",
        )
    ttl = data.ttl or settings.tokens.default_ttl
    if ttl > settings.tokens.max_ttl:
        raise BadRequest(f"`ttl` may be at most {settings.tokens.max_ttl} seconds", field="ttl")
    role = _resolve_role(room, data.identity, data.role, context.existing_role, moderated=moderated_role)
    if lobby_service.needs_admission(
        room, role, context.join_request_status, caller=caller, via_invitation=via_invitation
    ):
        if not isinstance(db, AsyncSession):
            raise NeedsSession("a lobby knock")
        entity = await _room_entity(db, room)
        request_id = context.join_request_id
        latest = None if request_id is None else await db.get(LobbyRequest, request_id)
        return await lobby_service.knock(
            db, gateway, settings.lobby, entity, data.identity, data.name, latest, caller
        )
    if room.scheduled and room.livekit_sid is None:  # a session's first join: LiveKit's room now
        if not isinstance(db, AsyncSession):
            raise NeedsSession("a scheduled room's first join")
        room = await room_service.open_session(db, gateway, room)
    if room.max_participants:
        present = await gateway.list_participants(room.livekit_name)
        others = [p for p in present if p.kind == "standard" and p.identity != data.identity]
        if len(others) >= room.max_participants:
            raise Conflict(
                f"Room {room.name!r} is full ({room.max_participants} participants).", code="room-full"
            )

    metadata = metadata_text(data.metadata)
    grants = context.grants(role, room)
    token, exp = mint_join_token(
        api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret,
        room=room.livekit_name,
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
    # Core, built once; on the join route's driver transaction run by the driver itself (db.DriverStatement).
    if isinstance(db, DriverTransaction):
        await _upsert_membership_statement(db.dialect).execute(db, values)
    else:
        await (await db.connection()).execute(_upsert_membership(), values)
    log.debug("participant.token_issued", room=room.name, identity=data.identity, role=role, ttl=ttl)
    return Admission(
        room=room.name, identity=data.identity, role=role, grants=grants, token=token, expires_at=expires_at
    )


async def _room_entity(session: AsyncSession, room: Room | JoinRoom) -> Room:
    """The ``Room`` entity of a join's room (the rare paths that need one)."""
    if isinstance(room, Room):
        return room
    return room_service.visible(await session.get(Room, room.id), room.name)


async def list_participants(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, page: Page
) -> tuple[list[Presence], str | None]:
    """A page of the room's participants: our rows by id (each with what LiveKit has of it now), and, on
    the first page only, after them, those LiveKit lists that we have no row for (a token roomsvc did not
    sign). These count towards ``limit`` and at most ``limit`` of them are listed."""
    live = {p.identity: p for p in await gateway.list_participants(room.livekit_name)} if room.is_open else {}
    in_room = select(Participant).where(Participant.room_id == room.id)
    live_only: list[LiveKitParticipant] = []
    if page.cursor is None and live:
        known = set(
            (
                await session.execute(
                    select(Participant.identity).where(
                        Participant.room_id == room.id, Participant.identity.in_(list(live))
                    )
                )
            ).scalars()
        )
        live_only = [p for p in live.values() if p.kind == "standard" and p.identity not in known]
        live_only = live_only[: page.limit]
    rows: list[Participant] = []
    next_cursor: str | None = None
    if len(live_only) < page.limit:
        rows, next_cursor = await oldest_first(
            session, in_room, Participant.id, Page(page.cursor, page.limit - len(live_only))
        )
    elif (await session.execute(in_room.with_only_columns(Participant.id).limit(1))).first() is not None:
        next_cursor = encode_cursor(0)  # the page is full of live-only participants; our rows follow
    items = [Presence(row, live.get(row.identity)) for row in rows]
    items.extend(Presence(None, p) for p in live_only)
    return items, next_cursor


async def get_participant(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, identity: str
) -> Presence:
    row = await _row(session, room.id, identity)
    live = await gateway.get_participant(room.livekit_name, identity) if room.is_open else None
    if row is None and live is None:
        raise NotFound(
            f"{identity!r} is not a participant of room {room.name!r}.", code="participant-not-found"
        )
    return Presence(row, live)


async def update_participant(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, identity: str, data: ParticipantUpdate
) -> Presence:
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
        room.livekit_name,
        identity,
        grants=await permissions.effective_grants(session, room, identity, row.role),
        name=None if data.name is msgspec.UNSET else data.name,
        metadata=None if data.metadata is msgspec.UNSET else row.participant_metadata,
        attributes=None if data.attributes is msgspec.UNSET else data.attributes,
    )
    log.info("participant.updated", room=room.name, identity=identity, role=row.role, live=live is not None)
    return Presence(row, live)


async def remove_participant(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, identity: str
) -> Presence:
    row = await _row(session, room.id, identity)
    was_live = await gateway.remove_participant(room.livekit_name, identity) if room.is_open else False
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
    return Presence(row, None)
