"""Moderation: who may act, kicks with re-entry bans, timed mutes, roles, ownership, status, audit.

Each LiveKit trap is handled where it bites:

- **Kick**: ``RemoveParticipant`` does not revoke tokens on self-hosted LiveKit, so the ban row is what
  holds: joins through the API are refused while it lasts, and a banned identity that reconnects with
  an older token is removed when its ``participant_joined`` webhook is applied (webhooks/service.py) or,
  if that webhook is lost, by reconciliation.
- **Mute**: ``MutePublishedTrack`` can be undone by the client, so a mute removes the sources from the
  participant's ``can_publish_sources`` instead: LiveKit removes the track and refuses republishing. The
  mute rows also shape every later token, and ``roomsvc jobs`` lifts them at expiry (rows claimed with
  ``SKIP LOCKED``: once, whichever instance gets there).
- **Permissions**: ``UpdateParticipant`` replaces the whole permission set, so every change recomputes
  it from scratch (:func:`effective_grants`: role + stage seat + mutes).

Actions lock the room row first, so a room's audit entries and events are written in one order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import structlog
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import newest_first, utcnow
from roomsvc.errors import BadRequest, Forbidden, NotFound
from roomsvc.events import service as events
from roomsvc.livekit import Grants, LiveKitGateway
from roomsvc.moderation.models import AuditEntry, Ban, Mute
from roomsvc.participants.models import Participant
from roomsvc.participants.tokens import grants_for_role
from roomsvc.rooms.models import Room
from roomsvc.seats import service as seat_service
from roomsvc.seats.models import Seat

log = structlog.get_logger("roomsvc.moderation")
_encoder = msgspec.json.Encoder()

SYSTEM = "system"
RANK = {"owner": 3, "admin": 2, "member": 1, "audience": 0}
SOURCES = ("microphone", "camera", "screen_share", "screen_share_audio")
NAMED_DURATIONS = {"1h": 3600, "24h": 86_400, "permanent": None}

# audit action → event type
EVENT_OF = {
    "kick": "participant.kicked",
    "ban_lifted": "participant.ban_lifted",
    "mute": "participant.muted",
    "unmute": "participant.unmuted",
    "role": "participant.role_changed",
    "owner": "room.owner_changed",
}


# Lookups ------------------------------------------------------------------------------------------
async def active_ban(session: AsyncSession, room_id: int, identity: str) -> Ban | None:
    query = select(Ban).where(
        Ban.room_id == room_id,
        Ban.identity == identity,
        Ban.lifted_at.is_(None),
        or_(Ban.expires_at.is_(None), Ban.expires_at > utcnow()),
    )
    return (await session.execute(query)).scalar_one_or_none()


def _expiry_text(expires_at: dt.datetime | None) -> str:
    return "permanently" if expires_at is None else f"until {expires_at.isoformat()}"


async def active_mutes(session: AsyncSession, room_id: int, identity: str) -> dict[str, dt.datetime | None]:
    rows = await session.execute(
        select(Mute.source, Mute.expires_at).where(
            Mute.room_id == room_id,
            Mute.identity == identity,
            or_(Mute.expires_at.is_(None), Mute.expires_at > utcnow()),
        )
    )
    return {source: expires for source, expires in rows.all()}


async def role_of(session: AsyncSession, room: Room, identity: str) -> str | None:
    if identity == room.owner:
        return "owner"
    query = select(Participant.role).where(Participant.room_id == room.id, Participant.identity == identity)
    return (await session.execute(query)).scalar_one_or_none()


async def effective_grants(session: AsyncSession, room: Room, identity: str, role: str) -> Grants:
    """Role + stage seat + active mutes → the complete permission set for tokens and UpdateParticipant."""
    seated = room.has_stage and await seat_service.seat_of(session, room.id, identity) is not None
    muted = await active_mutes(session, room.id, identity)
    return grants_for_role(role, room.call_type, stage=room.has_stage, seated=seated, muted=muted)


async def apply_live(session: AsyncSession, gateway: LiveKitGateway, room: Room, identity: str) -> bool:
    """Push the recomputed permission set to a connected participant; False when it is not connected."""
    role = await role_of(session, room, identity) or "member"
    grants = await effective_grants(session, room, identity, role)
    return await gateway.update_participant(room.name, identity, grants=grants) is not None


@dataclass(frozen=True)
class JoinContext:
    """Everything a join needs to know about a room and an identity, read in one statement."""

    room: Room
    ban_id: int | None
    ban_expires_at: dt.datetime | None
    existing_role: str | None
    seated: bool
    muted: frozenset[str]

    def ensure_not_banned(self, identity: str) -> None:
        if self.ban_id is not None:
            raise Forbidden(
                f"{identity!r} is banned from room {self.room.name!r} {_expiry_text(self.ban_expires_at)}.",
                code="identity-banned",
                ban_expires_at=self.ban_expires_at.isoformat() if self.ban_expires_at else None,
                ban_permanent=self.ban_expires_at is None,
            )

    def grants(self, role: str) -> Grants:
        """The same permission set as :func:`effective_grants`, from what was read up front."""
        room = self.room
        return grants_for_role(
            role,
            room.call_type,
            stage=room.has_stage,
            seated=room.has_stage and self.seated,
            muted=self.muted,
        )


async def join_context(session: AsyncSession, room_name: str, identity: str) -> JoinContext | None:
    """Room + active ban + membership role + seat + active mutes in one round trip (the join hot path:
    five separate reads cost ≈ 3 ms of CPU per join through the ORM, bench/analysis.md)."""
    now = utcnow()
    muted = (
        select(func.group_concat(Mute.source))
        .where(
            Mute.room_id == Room.id,
            Mute.identity == identity,
            or_(Mute.expires_at.is_(None), Mute.expires_at > now),
        )
        .scalar_subquery()
    )
    query = (
        select(Room, Ban.id, Ban.expires_at, Participant.role, Seat.seat_index, muted)
        .outerjoin(
            Ban,
            and_(
                Ban.room_id == Room.id,
                Ban.identity == identity,
                Ban.lifted_at.is_(None),
                or_(Ban.expires_at.is_(None), Ban.expires_at > now),
            ),
        )
        .outerjoin(Participant, and_(Participant.room_id == Room.id, Participant.identity == identity))
        .outerjoin(Seat, and_(Seat.room_id == Room.id, Seat.identity == identity))
        .where(Room.name == room_name)
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None
    room, ban_id, ban_expires_at, role, seat_index, muted_sources = row
    return JoinContext(
        room=room,
        ban_id=ban_id,
        ban_expires_at=ban_expires_at,
        existing_role=role,
        seated=seat_index is not None,
        muted=frozenset(muted_sources.split(",")) if muted_sources else frozenset(),
    )


# Who may act ---------------------------------------------------------------------------------------
async def authorize(
    session: AsyncSession, room: Room, caller: Caller, actor: str | None, *, target: str | None, action: str
) -> None:
    """The actor must be the room's owner or an admin; an admin cannot act on the owner or another admin.

    With no actor, the caller itself acts and needs the ``admin`` scope.
    """
    if actor is None:
        if not caller.is_admin:
            raise Forbidden(
                f"{action} needs `actor` (the identity acting), or a caller token with the admin scope.",
                code="actor-required",
            )
        return
    actor_role = await role_of(session, room, actor)
    if actor_role not in ("owner", "admin"):
        raise Forbidden(
            f"{actor!r} may not {action}: only the room's owner or an admin may.", code="not-a-moderator"
        )
    if target is None:
        return
    if target == actor:
        raise Forbidden(f"{actor!r} may not {action} themselves.", code="cannot-target-self")
    target_role = await role_of(session, room, target) or "member"
    if actor_role == "admin" and RANK[target_role] >= RANK["admin"]:
        raise Forbidden(
            f"An admin may not {action} the owner or another admin ({target!r} is {target_role}).",
            code="insufficient-rank",
        )


async def record(
    session: AsyncSession,
    room: Room,
    action: str,
    *,
    caller_id: str,
    actor: str | None,
    target: str | None,
    params: dict[str, Any] | None = None,
    reason: str = "",
    event_type: str | None = None,
) -> None:
    """Audit entry + event, in the caller's transaction."""
    params = params or {}
    session.add(
        AuditEntry(
            room_id=room.id,
            actor=actor,
            caller=caller_id,
            action=action,
            target=target,
            params=_encoder.encode(params).decode(),
            reason=reason,
        )
    )
    await events.emit(
        session,
        event_type or EVENT_OF.get(action, f"moderation.{action}"),
        room=room.name,
        data={"actor": actor, "target": target, "params": params, "reason": reason},
    )
    log.info(f"moderation.{action}", room=room.name, actor=actor, target=target, caller=caller_id)


# Kick and ban --------------------------------------------------------------------------------------
async def kick(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    *,
    actor: str | None,
    reason: str,
    ban_seconds: int | None = 600,
    permanent: bool = False,
    caller_id: str = SYSTEM,
) -> Ban:
    """Ban ``identity`` (until now + ``ban_seconds``, or for good) and remove it from LiveKit now."""
    if identity == room.owner:
        raise Forbidden(
            "The room's owner cannot be kicked; transfer ownership first.", code="insufficient-rank"
        )
    now = utcnow()
    expires_at = None if permanent or ban_seconds is None else now + dt.timedelta(seconds=ban_seconds)
    statement = mysql_insert(Ban).values(
        room_id=room.id, identity=identity, expires_at=expires_at, reason=reason, actor=actor, created_at=now
    )
    await session.execute(
        statement.on_duplicate_key_update(
            expires_at=expires_at, reason=reason, actor=actor, created_at=now, lifted_at=None, lifted_by=None
        )
    )
    seat = await seat_service.vacate(session, room, identity, reason="kicked", caller_id=caller_id)
    await seat_service.cancel_requests_of(session, room, identity)
    was_connected = await gateway.remove_participant(room.name, identity)
    await record(
        session,
        room,
        "kick",
        caller_id=caller_id,
        actor=actor,
        target=identity,
        reason=reason,
        params={
            "ban_expires_at": expires_at.isoformat() if expires_at else None,
            "permanent": expires_at is None,
            "was_connected": was_connected,
            "seat": seat,
        },
    )
    ban = await active_ban(session, room.id, identity)
    assert ban is not None
    return ban


async def list_bans(session: AsyncSession, room: Room) -> list[Ban]:
    query = (
        select(Ban)
        .where(
            Ban.room_id == room.id,
            Ban.lifted_at.is_(None),
            or_(Ban.expires_at.is_(None), Ban.expires_at > utcnow()),
        )
        .order_by(Ban.id)
    )
    return list((await session.execute(query)).scalars())


async def lift_ban(
    session: AsyncSession, room: Room, identity: str, *, actor: str | None, caller_id: str, reason: str = ""
) -> Ban:
    ban = await active_ban(session, room.id, identity)
    if ban is None:
        raise NotFound(f"{identity!r} is not banned from room {room.name!r}.", code="ban-not-found")
    ban.lifted_at, ban.lifted_by = utcnow(), actor or caller_id
    await record(
        session, room, "ban_lifted", caller_id=caller_id, actor=actor, target=identity, reason=reason
    )
    return ban


async def evict_if_banned(session: AsyncSession, gateway: LiveKitGateway, room: Room, identity: str) -> bool:
    """Remove a banned identity that got in with an older token. True when it was removed."""
    if await active_ban(session, room.id, identity) is None:
        return False
    removed = await gateway.remove_participant(room.name, identity)
    if removed:
        log.warning("moderation.evicted_banned", room=room.name, identity=identity)
    return removed


# Mutes ---------------------------------------------------------------------------------------------
def parse_duration(value: str | int) -> int | None:
    """``1h`` | ``24h`` | ``permanent`` | seconds → seconds (None = permanent)."""
    if isinstance(value, int):
        if value < 1 or value > 365 * 86_400:
            raise BadRequest("`duration` in seconds must be between 1 and 31536000", field="duration")
        return value
    if value in NAMED_DURATIONS:
        return NAMED_DURATIONS[value]
    raise BadRequest("`duration` must be 1h, 24h, permanent or a number of seconds", field="duration")


async def mute(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    *,
    sources: Sequence[str],
    duration_seconds: int | None,
    reason: str,
    actor: str | None,
    caller_id: str = SYSTEM,
) -> dict[str, dt.datetime | None]:
    unknown = [s for s in sources if s not in SOURCES]
    if unknown or not sources:
        raise BadRequest(f"`sources` must be some of {', '.join(SOURCES)}", field="sources")
    now = utcnow()
    expires_at = None if duration_seconds is None else now + dt.timedelta(seconds=duration_seconds)
    for source in dict.fromkeys(sources):
        statement = mysql_insert(Mute).values(
            room_id=room.id,
            identity=identity,
            source=source,
            expires_at=expires_at,
            reason=reason,
            actor=actor,
            created_at=now,
        )
        await session.execute(
            statement.on_duplicate_key_update(
                expires_at=expires_at, reason=reason, actor=actor, created_at=now
            )
        )
    connected = await apply_live(session, gateway, room, identity)
    await record(
        session,
        room,
        "mute",
        caller_id=caller_id,
        actor=actor,
        target=identity,
        reason=reason,
        params={
            "sources": list(dict.fromkeys(sources)),
            "expires_at": expires_at.isoformat() if expires_at else None,
            "applied_live": connected,
        },
    )
    return await active_mutes(session, room.id, identity)


async def unmute(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    *,
    sources: Sequence[str] | None,
    actor: str | None,
    caller_id: str,
    reason: str = "",
) -> dict[str, dt.datetime | None]:
    query = delete(Mute).where(Mute.room_id == room.id, Mute.identity == identity)
    if sources:
        query = query.where(Mute.source.in_(list(sources)))
    result = await session.execute(query)
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"{identity!r} has no such mute in room {room.name!r}.", code="mute-not-found")
    connected = await apply_live(session, gateway, room, identity)
    await record(
        session,
        room,
        "unmute",
        caller_id=caller_id,
        actor=actor,
        target=identity,
        reason=reason,
        params={"sources": list(sources or SOURCES), "applied_live": connected},
    )
    return await active_mutes(session, room.id, identity)


# Roles ---------------------------------------------------------------------------------------------
async def set_role(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    role: str,
    *,
    caller: Caller,
    actor: str | None,
) -> str:
    await authorize(session, room, caller, actor, target=identity, action="change the role of")
    if identity == room.owner:
        raise Forbidden("The owner's role changes only by transferring ownership.", code="insufficient-rank")
    current = await role_of(session, room, identity)
    if actor is not None and "admin" in (role, current) and await role_of(session, room, actor) != "owner":
        raise Forbidden("Only the owner grants or removes the admin role.", code="insufficient-rank")
    await _upsert_role(session, room, identity, role)
    connected = await apply_live(session, gateway, room, identity)
    await record(
        session,
        room,
        "role",
        caller_id=caller.credential_id,
        actor=actor,
        target=identity,
        params={"from": current, "to": role, "applied_live": connected},
    )
    return role


async def _upsert_role(session: AsyncSession, room: Room, identity: str, role: str) -> None:
    now = utcnow()
    statement = mysql_insert(Participant).values(
        room_id=room.id,
        identity=identity,
        role=role,
        state="invited",
        name="",
        metadata="",
        attributes="{}",
        created_at=now,
        updated_at=now,
    )
    await session.execute(statement.on_duplicate_key_update(role=role, updated_at=now))


async def transfer_owner(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    *,
    caller: Caller,
    actor: str | None,
) -> Room:
    if actor is not None and actor != room.owner:
        raise Forbidden("Only the current owner transfers ownership.", code="not-the-owner")
    if actor is None and not caller.is_admin:
        raise Forbidden(
            "Transferring ownership needs `actor` (the owner) or the admin scope.", code="actor-required"
        )
    if identity == room.owner:
        raise BadRequest(f"{identity!r} already owns the room.", field="identity")
    if await active_ban(session, room.id, identity) is not None:
        raise Forbidden(f"{identity!r} is banned from this room.", code="identity-banned")
    previous = room.owner
    room.owner = identity
    room.updated_at = utcnow()
    await _upsert_role(session, room, previous, "admin")
    await _upsert_role(session, room, identity, "owner")
    for who in (previous, identity):
        await apply_live(session, gateway, room, who)
    await record(
        session,
        room,
        "owner",
        caller_id=caller.credential_id,
        actor=actor,
        target=identity,
        params={"previous_owner": previous},
    )
    return room


# Status and audit ----------------------------------------------------------------------------------
async def status(session: AsyncSession, room: Room, identity: str) -> dict[str, Any]:
    role = await role_of(session, room, identity)
    ban = await active_ban(session, room.id, identity)
    mutes = await active_mutes(session, room.id, identity)
    expiries = list(mutes.values())
    mute_expires_at = None if not mutes or any(e is None for e in expiries) else max(e for e in expiries if e)
    return {
        "identity": identity,
        "role": role,
        "is_banned": ban is not None,
        "ban_expires_at": ban.expires_at if ban else None,
        "is_muted": bool(mutes),
        "muted_sources": sorted(mutes),
        "mute_expires_at": mute_expires_at,
        "mutes": [{"source": s, "expires_at": e} for s, e in sorted(mutes.items())],
        "seat": await seat_service.seat_of(session, room.id, identity),
    }


async def list_audit(
    session: AsyncSession, room: Room, *, cursor: str | None, limit: int
) -> tuple[list[AuditEntry], str | None]:
    query = select(AuditEntry).where(AuditEntry.room_id == room.id)
    return await newest_first(session, query, AuditEntry.id, cursor=cursor, limit=limit)
