"""Who may do what in a room: ranks, authorization, and the effective LiveKit permission set.

A leaf: it reads rooms, participants, seats, bans and mutes (tables only) and imports no domain
service, so every domain that acts on people (seats, moderation, participants, calls, detection) can
use it without an import circle.

- :func:`authorize` is the one rank check. Every moderation and seat action calls it inside its
  service (never in a controller). Automated actions (mute expiry, the detection policy) act as
  :data:`SYSTEM_CALLER` with no ``actor``.
- :func:`effective_grants` computes the *whole* permission set (role + stage seat and its
  microphone/camera locks + active mutes), because ``UpdateParticipant`` replaces it;
  :func:`apply_live` pushes it to a connected participant.
- :func:`join_context` reads everything a join needs in one statement (the join hot path).
- The room's own controls (``Room.active_controls``: audio, video, screen share, data switched off for
  members and audience) enter every set; :func:`apply_live_to_all` pushes a room-wide change.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BindParameter, Select, Table, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import DriverStatement, DriverTransaction, utcnow
from roomsvc.errors import Forbidden
from roomsvc.livekit import Grants, LiveKitGateway, Permission
from roomsvc.lobby.models import LobbyRequest
from roomsvc.moderation.models import Ban, Mute
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import JOIN_ROOM_COLUMNS, ROOM_CONTROLS, JoinRoom, Room
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
# Room-wide controls (moderation/controls.py): each switch, and the sources it takes from members and
# audience ("data" takes ``can_publish_data``: data messages and chat). Owners and admins keep theirs.
CONTROLS = ROOM_CONTROLS
CONTROL_SOURCES: dict[str, tuple[str, ...]] = {
    "audio": ("microphone",),
    "video": ("camera",),
    "screen_share": ("screen_share", "screen_share_audio"),
    "data": (),
}
# How many UpdateParticipant calls :func:`apply_live_to_all` keeps in flight at once.
LIVE_PUSH_CONCURRENCY = 8


def grants_for_role(
    role: str,
    call_type: str,
    *,
    stage: bool = False,
    seated: bool = False,
    muted: Collection[str] = (),
    client_admin: bool = False,
    controls: Collection[str] = (),
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
      source list would mean "any source" to LiveKit);
    - the room's ``controls`` in force (``Room.active_controls``) take their sources
      (:data:`CONTROL_SOURCES`) and, for ``data``, ``can_publish_data`` from members and audience;
      owners and admins keep every right.
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
    blocked = set(muted)
    if not admin:
        blocked.update(source for control in controls for source in CONTROL_SOURCES[control])
    allowed = tuple(s for s in sources if s not in blocked) if may_publish else ()
    return Grants(
        can_subscribe=True,
        can_publish=bool(allowed),
        can_publish_data=admin or "data" not in controls,
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


def seat_locked_sources(mic_locked: bool | None, camera_locked: bool | None) -> frozenset[str]:
    """The sources a seat's locks take from whoever sits on it (they join the ``muted`` set)."""
    return frozenset(
        source for source, locked in (("microphone", mic_locked), ("camera", camera_locked)) if locked
    )


async def seat_state(session: AsyncSession, room_id: int, identity: str) -> tuple[bool, frozenset[str]]:
    """Whether ``identity`` holds a seat, and the sources that seat's locks take from it."""
    query = select(Seat.mic_locked, Seat.camera_locked).where(
        Seat.room_id == room_id, Seat.identity == identity
    )
    row = (await session.execute(query)).first()
    return (False, frozenset()) if row is None else (True, seat_locked_sources(*row))


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
    """Role + stage seat (and its locks) + active mutes → the complete permission set for tokens and
    UpdateParticipant."""
    seated, seat_locked = (
        await seat_state(session, room.id, identity) if room.has_stage else (False, frozenset[str]())
    )
    muted = seat_locked.union(await active_mutes(session, room.id, identity))
    return room_grants(room, role, seated=seated, muted=muted)


def room_grants(
    room: Room | JoinRoom,
    role: str,
    *,
    seated: bool,
    muted: Collection[str],
    controls: Collection[str] | None = None,
) -> Grants:
    """:func:`grants_for_role` in ``room``: its call type, stage, ``client_admin`` and room-wide controls
    (``controls``: the room's active ones, computed once by a caller shaping many identities' sets)."""
    return grants_for_role(
        role,
        room.call_type,
        stage=room.has_stage,
        seated=room.has_stage and seated,
        muted=muted,
        client_admin=room.client_admin,
        controls=room.active_controls() if controls is None else controls,
    )


async def live_grants(session: AsyncSession, room: Room, identity: str) -> Grants:
    """The permission set ``identity`` should hold in LiveKit now (an identity with no row is a member)."""
    return (await live_grants_of(session, room, [identity]))[identity]


async def live_grants_of(session: AsyncSession, room: Room, identities: Collection[str]) -> dict[str, Grants]:
    """:func:`live_grants` of several identities in a room, with one read each of roles, seats and mutes
    (a reconciliation pass enforces a room's participants together)."""
    grants = await live_grants_in(session, [(room, identities)])
    return {identity: grants[room.id, identity] for identity in identities}


async def live_grants_in(
    session: AsyncSession, wanted: Sequence[tuple[Room, Collection[str]]]
) -> dict[tuple[int, str], Grants]:
    """:func:`live_grants` of identities in several rooms, by ``(room id, identity)``: one read each of
    roles, seats and mutes for all of them (the webhook appliers check a batch's connections at once).

    Each read selects by ``room_id IN`` and ``identity IN`` (index ranges) and keeps only the pairs
    asked for."""
    pairs = {(room.id, identity) for room, identities in wanted for identity in identities}
    if not pairs:
        return {}
    room_ids = sorted({room_id for room_id, _ in pairs})
    names = sorted({identity for _, identity in pairs})
    rows = await session.execute(
        select(Participant.room_id, Participant.identity, Participant.role).where(
            Participant.room_id.in_(room_ids), Participant.identity.in_(names)
        )
    )
    roles = {(room_id, identity): role for room_id, identity, role in rows.tuples()}
    seats: dict[tuple[int, str], frozenset[str]] = {}
    staged = sorted({room.id for room, _ in wanted if room.has_stage})
    if staged:
        seat_rows = await session.execute(
            select(Seat.room_id, Seat.identity, Seat.mic_locked, Seat.camera_locked).where(
                Seat.room_id.in_(staged), Seat.identity.in_(names)
            )
        )
        seats = {
            (room_id, identity): seat_locked_sources(mic, camera)
            for room_id, identity, mic, camera in seat_rows.tuples()
            if identity is not None
        }
    muted: dict[tuple[int, str], set[str]] = {}
    mutes = await session.execute(
        select(Mute.room_id, Mute.identity, Mute.source).where(
            Mute.room_id.in_(room_ids),
            Mute.identity.in_(names),
            or_(Mute.expires_at.is_(None), Mute.expires_at > utcnow()),
        )
    )
    for room_id, identity, source in mutes.tuples():
        muted.setdefault((room_id, identity), set()).add(source)
    out: dict[tuple[int, str], Grants] = {}
    for room, identities in wanted:
        controls = room.active_controls()
        for identity in identities:
            key = (room.id, identity)
            out[key] = room_grants(
                room,
                "owner" if identity == room.owner else roles.get(key) or "member",
                seated=key in seats,
                muted=seats.get(key, frozenset()).union(muted.get(key, ())),
                controls=controls,
            )
    return out


async def banned_among(session: AsyncSession, room_id: int, identities: Collection[str]) -> set[str]:
    """Which of ``identities`` have an active ban from the room (one read)."""
    return {identity for _, identity in await banned_in(session, {room_id: identities})}


async def banned_in(session: AsyncSession, wanted: Mapping[int, Collection[str]]) -> set[tuple[int, str]]:
    """The ``(room id, identity)`` pairs among ``wanted`` (room id → identities) with an active ban from
    that room (one read for all the rooms)."""
    pairs = {(room_id, identity) for room_id, identities in wanted.items() for identity in identities}
    if not pairs:
        return set()
    query = select(Ban.room_id, Ban.identity).where(
        Ban.room_id.in_(sorted({room_id for room_id, _ in pairs})),
        Ban.identity.in_(sorted({identity for _, identity in pairs})),
        Ban.lifted_at.is_(None),
        or_(Ban.expires_at.is_(None), Ban.expires_at > utcnow()),
    )
    return {(room_id, identity) for room_id, identity in (await session.execute(query)).tuples()} & pairs


async def apply_live(session: AsyncSession, gateway: LiveKitGateway, room: Room, identity: str) -> bool:
    """Push the recomputed permission set to a connected participant; False when it is not connected."""
    grants = await live_grants(session, room, identity)
    return await gateway.update_participant(room.livekit_name, identity, grants=grants) is not None


async def apply_live_to_all(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, *, concurrency: int = LIVE_PUSH_CONCURRENCY
) -> list[str]:
    """Push the recomputed permission set to every connected standard participant but owners and admins
    (what a room-wide control changes); returns the identities whose set was pushed.

    The sets are computed one by one on the session (it is not shared between tasks), then pushed with at
    most ``concurrency`` UpdateParticipant calls in flight; a participant that already holds its set is
    not pushed. The caller holds the room's row lock, as every enforcement does, so no newer change is
    overtaken. The first LiveKit failure is raised once every push has ended.
    """
    pushes: list[tuple[str, Grants]] = []
    for participant in await gateway.list_participants(room.livekit_name):
        if participant.kind != "standard":
            continue
        role = await role_of(session, room, participant.identity) or "member"
        if role in ("owner", "admin"):
            continue
        grants = await effective_grants(session, room, participant.identity, role)
        if Permission.of(grants) != participant.permission:
            pushes.append((participant.identity, grants))
    limit = asyncio.Semaphore(concurrency)

    async def push(identity: str, grants: Grants) -> bool:
        async with limit:
            return await gateway.update_participant(room.livekit_name, identity, grants=grants) is not None

    results = await asyncio.gather(*(push(i, g) for i, g in pushes), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [identity for (identity, _), pushed in zip(pushes, results, strict=True) if pushed is True]


@dataclass(frozen=True, slots=True)
class JoinContext:
    """Everything a join needs to know about a room and an identity, read in one statement."""

    room: JoinRoom
    ban_id: int | None
    ban_expires_at: dt.datetime | None
    existing_role: str | None
    seated: bool
    muted: frozenset[str]
    seat_locked: frozenset[str] = frozenset()  # the sources the identity's seat locks
    # In a lobby room: the identity's latest join request (its admission, denial or pending knock), by
    # id and status; a knock loads the entity (``LobbyRequest``) by this id.
    join_request_id: int | None = None
    join_request_status: str | None = None

    def ensure_not_banned(self, identity: str) -> None:
        if self.ban_id is not None:
            raise banned(identity, self.room.name, self.ban_expires_at)

    def grants(self, role: str, room: Room | JoinRoom | None = None) -> Grants:
        """The same permission set as :func:`effective_grants`, from what was read up front (``room``:
        the room as read again since, e.g. under its lock by a scheduled room's first join)."""
        return room_grants(room or self.room, role, seated=self.seated, muted=self.muted | self.seat_locked)


@functools.cache
def _join_context_query() -> Select[Any]:
    """The join's one read, built once: its bind parameters are ``identity``, ``now``, ``project_id`` and
    ``room_name``. Building it per request (clause construction, an aliased entity, its cache key) was
    the largest roomsvc cost of a join (bench/analysis.md). Core columns only — the room's
    :data:`JOIN_ROOM_COLUMNS`, not the ≈ 50-column entity, and the latest join request's id and status —
    so no ORM row loading on the hot path."""
    identity: BindParameter[str] = bindparam("identity")
    now: BindParameter[dt.datetime] = bindparam("now")
    rooms, bans, mutes = _table(Room), _table(Ban), _table(Mute)
    participants, seats, requests = _table(Participant), _table(Seat), _table(LobbyRequest)
    muted = (
        select(func.group_concat(mutes.c.source))
        .where(
            mutes.c.room_id == rooms.c.id,
            mutes.c.identity == identity,
            or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > now),
        )
        .scalar_subquery()
    )
    earlier = requests.alias("earlier")  # the outer query joins lobby_requests itself
    latest_request = (
        select(func.max(earlier.c.id))
        .where(earlier.c.room_id == rooms.c.id, earlier.c.identity == identity)
        .correlate(rooms)
        .scalar_subquery()
    )
    return (
        select(
            *(rooms.c[name] for name in JOIN_ROOM_COLUMNS),
            bans.c.id,
            bans.c.expires_at,
            participants.c.role,
            seats.c.seat_index,
            muted,
            seats.c.mic_locked,
            seats.c.camera_locked,
            requests.c.id,
            requests.c.status,
        )
        .select_from(rooms)
        .outerjoin(
            bans,
            and_(
                bans.c.room_id == rooms.c.id,
                bans.c.identity == identity,
                bans.c.lifted_at.is_(None),
                or_(bans.c.expires_at.is_(None), bans.c.expires_at > now),
            ),
        )
        .outerjoin(
            participants, and_(participants.c.room_id == rooms.c.id, participants.c.identity == identity)
        )
        .outerjoin(seats, and_(seats.c.room_id == rooms.c.id, seats.c.identity == identity))
        .outerjoin(
            requests,
            and_(rooms.c.lobby.is_(True), requests.c.room_id == rooms.c.id, requests.c.id == latest_request),
        )
        .where(rooms.c.project_id == bindparam("project_id"), rooms.c.name == bindparam("room_name"))
    )


@functools.cache
def _join_context_statement(dialect: Any) -> DriverStatement:
    return DriverStatement.compile(_join_context_query(), dialect)


def _table(entity: type[Any]) -> Table:
    return cast(Table, entity.__table__)


_ROOM_FIELDS = len(JOIN_ROOM_COLUMNS)


async def join_context(
    db: DriverTransaction | AsyncSession, project_id: int, room_name: str, identity: str
) -> JoinContext | None:
    """Room + active ban + membership role + seat (and its locks) + active mutes + latest join request in
    one round trip, as a Core row (the join hot path: five separate reads cost ≈ 3 ms of CPU per join
    through the ORM, and loading the room entity more; bench/analysis.md). ``db``: the request's
    connection (the join route), or a session (which autoflushes first if it is set to)."""
    params = {"identity": identity, "now": utcnow(), "project_id": project_id, "room_name": room_name}
    if isinstance(db, DriverTransaction):  # the join route: run by the driver itself (db.DriverStatement)
        rows: Sequence[Sequence[Any]] = await _join_context_statement(db.dialect).execute(db, params)
        row = rows[0] if rows else None
    else:
        row = (await db.execute(_join_context_query(), params)).first()
    if row is None:
        return None
    (ban_id, ban_expires_at, role, seat_index, muted_sources, mic_locked, camera_locked, request_id,
     request_status) = row[_ROOM_FIELDS:]  # fmt: skip
    return JoinContext(
        room=JoinRoom(*row[:_ROOM_FIELDS]),
        ban_id=ban_id,
        ban_expires_at=ban_expires_at,
        existing_role=role,
        seated=seat_index is not None,
        muted=frozenset(muted_sources.split(",")) if muted_sources else frozenset(),
        seat_locked=seat_locked_sources(mic_locked, camera_locked),
        join_request_id=request_id,
        join_request_status=request_status,
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
