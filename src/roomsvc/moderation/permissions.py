"""Who may do what in a room: ranks, authorization, and the effective LiveKit permission set.

A leaf: it reads rooms, participants, seats, bans and mutes (tables only) and imports no domain
service, so every domain that acts on people (seats, moderation, participants, calls, detection) can
use it without an import circle.

- :func:`authorize` is the one rank check. Every moderation and seat action calls it inside its
  service (never in a controller). Automated actions (mute expiry, the detection policy) act as
  :data:`SYSTEM_CALLER` with no ``actor``.
- :func:`effective_grants` computes the *whole* permission set (role + stage seat + active mutes),
  because ``UpdateParticipant`` replaces it; :func:`apply_live` pushes it to a connected participant.
- :func:`join_context` reads everything a join needs in one statement (the join hot path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import utcnow
from roomsvc.errors import Forbidden
from roomsvc.livekit import Grants, LiveKitGateway
from roomsvc.moderation.models import Ban, Mute
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from roomsvc.seats.models import Seat

SYSTEM = "system"
# The caller of automated actions (mute expiry, the detection policy): acts with the admin scope and
# no actor; its audit entries name ``system``.
SYSTEM_CALLER = Caller(credential_id=SYSTEM, scopes=frozenset({"admin"}))
RANK = {"owner": 3, "admin": 2, "member": 1, "audience": 0}
SOURCES = ("microphone", "camera", "screen_share", "screen_share_audio")

AUDIO_SOURCES = ("microphone",)
VIDEO_SOURCES = ("camera", "microphone", "screen_share", "screen_share_audio")
STAGE_AUDIO_SOURCES = ("microphone",)
STAGE_VIDEO_SOURCES = ("camera", "microphone")


def grants_for_role(
    role: str,
    call_type: str,
    *,
    stage: bool = False,
    seated: bool = False,
    muted: Collection[str] = (),
    client_admin: bool = False,
) -> Grants:
    """The whole permission set of a participant (UpdateParticipant replaces it, so always all of it).

    - owner/admin: publish every source of the call type, always. No LiveKit server-API grant:
      ``roomAdmin`` would let the client call LiveKit's RoomService for the room (remove, mute, unmute
      anyone, rewrite metadata) past roomsvc's rank rules and audit. Only the owner of a room created or
      updated with ``client_admin`` gets it (the explicit opt-in; docs/api.md, "The token model");
    - member: publish, but in a room with a stage only while seated (a seat grants the microphone,
      plus the camera in video rooms);
    - audience: publish only while seated on a stage; otherwise listen and chat
      (``can_publish`` False set explicitly: VideoGrants would default it to True);
    - muted sources are removed from ``can_publish_sources`` — LiveKit then removes those tracks and the
      client cannot publish them again — and with no source left, ``can_publish`` is False (an empty
      source list would mean "any source" to LiveKit).
    """
    sources: tuple[str, ...] = AUDIO_SOURCES if call_type == "audio" else VIDEO_SOURCES
    admin = role in ("owner", "admin")
    if admin:
        may_publish = True
    elif role == "member":
        may_publish = seated or not stage
    else:
        may_publish = stage and seated
    if stage and not admin:  # a seat is a microphone (and a camera in video rooms), not a screen share
        sources = STAGE_AUDIO_SOURCES if call_type == "audio" else STAGE_VIDEO_SOURCES
    allowed = tuple(s for s in sources if s not in muted) if may_publish else ()
    return Grants(
        can_subscribe=True,
        can_publish=bool(allowed),
        can_publish_data=True,
        can_publish_sources=allowed,
        room_admin=client_admin and role == "owner",
    )


# Lookups ------------------------------------------------------------------------------------------
async def active_ban(session: AsyncSession, room_id: int, identity: str) -> Ban | None:
    query = select(Ban).where(
        Ban.room_id == room_id,
        Ban.identity == identity,
        Ban.lifted_at.is_(None),
        or_(Ban.expires_at.is_(None), Ban.expires_at > utcnow()),
    )
    return (await session.execute(query)).scalar_one_or_none()


async def active_mutes(session: AsyncSession, room_id: int, identity: str) -> dict[str, dt.datetime | None]:
    rows = await session.execute(
        select(Mute.source, Mute.expires_at).where(
            Mute.room_id == room_id,
            Mute.identity == identity,
            or_(Mute.expires_at.is_(None), Mute.expires_at > utcnow()),
        )
    )
    return {source: expires for source, expires in rows.all()}


async def seat_of(session: AsyncSession, room_id: int, identity: str) -> int | None:
    query = select(Seat.seat_index).where(Seat.room_id == room_id, Seat.identity == identity)
    return (await session.execute(query)).scalar_one_or_none()


async def role_of(session: AsyncSession, room: Room, identity: str) -> str | None:
    if identity == room.owner:
        return "owner"
    query = select(Participant.role).where(Participant.room_id == room.id, Participant.identity == identity)
    return (await session.execute(query)).scalar_one_or_none()


def banned(identity: str, room_name: str, expires_at: dt.datetime | None) -> Forbidden:
    """The one ``identity-banned`` refusal (join, seat, ownership), with the ban's expiry."""
    until = "permanently" if expires_at is None else f"until {expires_at.isoformat()}"
    return Forbidden(
        f"{identity!r} is banned from room {room_name!r} {until}.",
        code="identity-banned",
        ban_expires_at=expires_at.isoformat() if expires_at else None,
        ban_permanent=expires_at is None,
    )


async def ensure_not_banned(session: AsyncSession, room: Room, identity: str) -> None:
    ban = await active_ban(session, room.id, identity)
    if ban is not None:
        raise banned(identity, room.name, ban.expires_at)


# Permission sets -----------------------------------------------------------------------------------
async def effective_grants(session: AsyncSession, room: Room, identity: str, role: str) -> Grants:
    """Role + stage seat + active mutes → the complete permission set for tokens and UpdateParticipant."""
    seated = room.has_stage and await seat_of(session, room.id, identity) is not None
    muted = await active_mutes(session, room.id, identity)
    return grants_for_role(
        role,
        room.call_type,
        stage=room.has_stage,
        seated=seated,
        muted=muted,
        client_admin=room.client_admin,
    )


async def live_grants(session: AsyncSession, room: Room, identity: str) -> Grants:
    """The permission set ``identity`` should hold in LiveKit now (an identity with no row is a member)."""
    role = await role_of(session, room, identity) or "member"
    return await effective_grants(session, room, identity, role)


async def apply_live(session: AsyncSession, gateway: LiveKitGateway, room: Room, identity: str) -> bool:
    """Push the recomputed permission set to a connected participant; False when it is not connected."""
    grants = await live_grants(session, room, identity)
    return await gateway.update_participant(room.livekit_name, identity, grants=grants) is not None


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
            raise banned(identity, self.room.name, self.ban_expires_at)

    def grants(self, role: str) -> Grants:
        """The same permission set as :func:`effective_grants`, from what was read up front."""
        room = self.room
        return grants_for_role(
            role,
            room.call_type,
            stage=room.has_stage,
            seated=room.has_stage and self.seated,
            muted=self.muted,
            client_admin=room.client_admin,
        )


async def join_context(
    session: AsyncSession, project_id: int, room_name: str, identity: str
) -> JoinContext | None:
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
        .where(Room.project_id == project_id, Room.name == room_name)
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
) -> str | None:
    """The actor must be the room's owner or an admin; an admin cannot act on the owner or another admin.

    With no actor, the caller itself acts and needs the ``admin`` scope (:data:`SYSTEM_CALLER` has it).
    Returns the actor to record: ``actor``, or with none the operator the caller token names (its `sub`,
    e.g. a console token from ``roomsvc console-token``), or None.
    """
    if actor is None:
        if not caller.is_admin:
            raise Forbidden(
                f"{action} needs `actor` (the identity acting), or a caller token with the admin scope.",
                code="actor-required",
            )
        return caller.operator
    actor_role = await role_of(session, room, actor)
    if actor_role not in ("owner", "admin"):
        raise Forbidden(
            f"{actor!r} may not {action}: only the room's owner or an admin may.", code="not-a-moderator"
        )
    if target is None:
        return actor
    if target == actor:
        raise Forbidden(f"{actor!r} may not {action} themselves.", code="cannot-target-self")
    target_role = await role_of(session, room, target) or "member"
    if actor_role == "admin" and RANK[target_role] >= RANK["admin"]:
        raise Forbidden(
            f"An admin may not {action} the owner or another admin ({target!r} is {target_role}).",
            code="insufficient-rank",
        )
    return actor
