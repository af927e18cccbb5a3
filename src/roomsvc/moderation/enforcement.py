"""Re-asserting the effective permission set on LiveKit: on every connect and every reconciliation pass.

Self-hosted LiveKit does not revoke tokens. A join token minted before a mute, a lost stage seat, a
demotion or an ownership transfer still connects with the permissions it was minted with. So whenever a
participant connects (its ``participant_joined`` webhook) and in every reconciliation pass, roomsvc
compares the permission LiveKit holds for it with the effective one (``permissions.live_grants``: role,
stage seat, active mutes, room flags) and, when they differ, pushes the effective set with
``UpdateParticipant``. That call replaces the whole set; a source taken out of ``can_publish_sources``
makes LiveKit remove that track at once. A banned identity is removed instead (``bans.evict``), and so
is one that connects to a locked room without having been connected when it was locked.

The webhook handler only notes *who* connected (an :class:`Enforcement`); :func:`enforce_all` runs after
the handler's transaction committed. Decisions are made holding the room's row lock — the lock every
moderation and seat action takes — so a push never overtakes a newer change made by a request, and a
check never reads a change whose push is still in flight. First one transaction locks all the batch's
rooms and reads their bans, roles, seats and mutes once for all (:func:`_check_all`): every connection
that already holds its effective set (the common case: its token was minted with it) is settled there,
with no LiveKit call. What is left — a set to push, a banned identity, a locked room, a permission the
webhook did not carry — goes room by room, one short transaction per room holding its lock while its
LiveKit calls are made (:func:`enforce_many`), at most :data:`CONCURRENCY` rooms at once, a room's
participants one after the other. A failed LiveKit call is logged and left to the next reconciliation
pass (which repeats the comparison for every live participant).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls.models import ParticipantSession
from roomsvc.errors import AppError
from roomsvc.livekit import Grants, LiveKitGateway, Permission
from roomsvc.moderation import bans, permissions
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.moderation")

# What :func:`enforce` did: nothing to do, pushed the effective set, removed a banned identity, found
# the participant gone, or could not reach LiveKit (reconciliation tries again).
OUTCOMES = ("unchanged", "updated", "evicted", "gone", "failed")
# Rooms enforced at once by one :func:`enforce_all` (each holds a pooled connection during its LiveKit
# call; an applier has one enforcement batch in flight, so ROOMSVC_WEBHOOK_APPLIERS x this at most).
CONCURRENCY = 3


@dataclass(frozen=True)
class Enforcement:
    """A participant that connected: check it once the webhook batch has committed.

    ``current`` is LiveKit's permission as the webhook reported it; None when the webhook carried none
    (then :func:`enforce` asks LiveKit with ``GetParticipant``). ``participant_sid`` is the connection's
    LiveKit sid (the webhook applier drops the enforcement of a connection that closed in its batch);
    ``livekit_room`` the room's LiveKit name (then a missing ``current`` is asked before the room lock).
    """

    room_id: int
    identity: str
    current: Permission | None = None
    participant_sid: str | None = None
    livekit_room: str | None = None


async def enforce(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    current: Permission | None,
) -> str:
    """Make LiveKit hold ``identity``'s effective permission set; the caller holds ``room``'s row lock.

    Returns one of :data:`OUTCOMES`. Never raises for LiveKit failures: they are logged as ``failed``.
    """
    return (await enforce_many(session, gateway, room, {identity: current}))[identity]


async def enforce_many(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    currents: Mapping[str, Permission | None],
) -> dict[str, str]:
    """:func:`enforce` for several identities of one room: its bans, roles, seats and mutes read once for
    all of them (``permissions.banned_among``, ``permissions.live_grants_of``), then each identity's
    LiveKit calls one after the other. The caller holds ``room``'s row lock. Outcome per identity."""
    outcomes: dict[str, str] = {}
    banned = await permissions.banned_among(session, room.id, currents)
    allowed = []
    for identity in currents:
        if identity in banned or (
            # A locked room takes no new joins, whatever token the client holds (one minted before the
            # lock still connects: self-hosted LiveKit does not revoke tokens). Who was connected when it
            # was locked may reconnect.
            room.locked_at is not None and not await _connected_at(session, room, identity, room.locked_at)
        ):
            outcomes[identity] = (
                "evicted" if await bans.evict(gateway, room.livekit_name, identity) else "gone"
            )
        else:
            allowed.append(identity)
    grants = await permissions.live_grants_of(session, room, allowed)
    for identity in allowed:
        outcomes[identity] = await _push(gateway, room, identity, grants[identity], currents[identity])
    return outcomes


async def _push(
    gateway: LiveKitGateway, room: Room, identity: str, grants: Grants, current: Permission | None
) -> str:
    wanted = Permission.of(grants)
    try:
        if current is None:
            live = await gateway.get_participant(room.livekit_name, identity)
            if live is None:
                return "gone"
            current = live.permission
        if current == wanted:
            return "unchanged"
        updated = await gateway.update_participant(room.livekit_name, identity, grants=grants)
    except AppError as exc:
        log.warning("permissions.enforce_failed", room=room.name, identity=identity, error=exc.code)
        return "failed"
    if updated is None:
        return "gone"
    log.info(
        "permissions.enforced",
        room=room.name,
        identity=identity,
        had=current.to_dict(),
        now=wanted.to_dict(),
    )
    return "updated"


async def _connected_at(session: AsyncSession, room: Room, identity: str, at: dt.datetime) -> bool:
    """Whether ``identity`` had a connection to the room open at ``at`` (its session rows)."""
    query = (
        select(ParticipantSession.id)
        .where(
            ParticipantSession.room_id == room.id,
            ParticipantSession.identity == identity,
            ParticipantSession.joined_at <= at,
            or_(ParticipantSession.left_at.is_(None), ParticipantSession.left_at >= at),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def enforce_all(
    session_factory: async_sessionmaker[AsyncSession],
    gateway: LiveKitGateway,
    enforcements: Sequence[Enforcement],
    *,
    released: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Apply the enforcements a committed webhook batch collected; returns a count per outcome.

    The last enforcement of an identity in a room wins (one check per connect is enough: the set is
    recomputed from the database at this moment anyway). The connections whose permission the webhook
    carried are checked for all rooms at once (:func:`_check_all`); the rest room by room, up to
    :data:`CONCURRENCY` rooms at once.
    ``released`` is called each time a transaction let go of a room's row lock (the webhook appliers
    waiting for that room look again at once).
    """
    by_room: dict[int, dict[str, Enforcement]] = {}
    for e in enforcements:
        by_room.setdefault(e.room_id, {})[e.identity] = e
    counts: dict[str, int] = {}
    known = {
        room_id: latest
        for room_id, latest in by_room.items()
        if all(e.current is not None for e in latest.values())
    }
    if known:
        try:
            settled = await _check_all(session_factory, known)
        except Exception as exc:  # a lock wait or deadlock, the database away: room by room, as before
            log.warning("permissions.check_failed", error=f"{type(exc).__name__}: {exc}"[:300])
        else:
            if released is not None:
                released()
            for room_id, outcomes in settled.items():
                for identity, outcome in outcomes.items():
                    del by_room[room_id][identity]
                    if outcome is not None:
                        counts[outcome] = counts.get(outcome, 0) + 1
                if not by_room[room_id]:
                    del by_room[room_id]
    slots = asyncio.Semaphore(CONCURRENCY)

    async def room_enforcements(room_id: int, latest: dict[str, Enforcement]) -> None:
        async with slots:
            outcomes = await _enforce_room(session_factory, gateway, room_id, latest)
            if released is not None:
                released()
            for outcome in outcomes:
                counts[outcome] = counts.get(outcome, 0) + 1

    await asyncio.gather(*(room_enforcements(room_id, latest) for room_id, latest in by_room.items()))
    return counts


async def _check_all(
    session_factory: async_sessionmaker[AsyncSession], by_room: dict[int, dict[str, Enforcement]]
) -> dict[int, dict[str, str | None]]:
    """The enforcements that need no LiveKit call, settled for all the rooms in one transaction.

    It locks every room (one statement, in id order, so two checks never deadlock), then reads their
    bans, roles, seats and mutes once for all (``permissions.banned_in``, ``permissions.live_grants_in``).
    An identity that holds its effective set already is ``unchanged``; every identity of a room that is
    not open is settled with no outcome (None; as :func:`_enforce_room`). Left to the room-by-room path,
    which reads again under its room's lock: a banned identity, a set that differs (both need LiveKit
    calls, never made with several rooms locked), and every identity of a locked room.
    """
    settled: dict[int, dict[str, str | None]] = {}
    async with session_factory() as session, session.begin():
        query = select(Room).where(Room.id.in_(sorted(by_room))).order_by(Room.id).with_for_update()
        rooms = {room.id: room for room in (await session.execute(query)).scalars()}
        checked: list[tuple[Room, list[str]]] = []
        for room_id, latest in by_room.items():
            room = rooms.get(room_id)
            if room is None or not room.is_open:
                settled[room_id] = dict.fromkeys(latest)  # nothing to enforce in a room gone or closed
            elif room.locked_at is None:
                checked.append((room, list(latest)))
        banned = await permissions.banned_in(session, {room.id: identities for room, identities in checked})
        wanted = [
            (room, [identity for identity in identities if (room.id, identity) not in banned])
            for room, identities in checked
        ]
        grants = await permissions.live_grants_in(session, wanted)
        for room, identities in wanted:
            for identity in identities:
                if Permission.of(grants[room.id, identity]) == by_room[room.id][identity].current:
                    settled.setdefault(room.id, {})[identity] = "unchanged"
    return settled


async def _enforce_room(
    session_factory: async_sessionmaker[AsyncSession],
    gateway: LiveKitGateway,
    room_id: int,
    latest: dict[str, Enforcement],
) -> list[str]:
    """A room's enforcements in one transaction holding its row lock; no outcome if the room is not open.

    A permission the webhook did not carry is asked of LiveKit first, outside the lock: the room's events
    wait for that lock, and the read needs none (what is pushed is decided under it, from the database;
    a stale read at worst pushes the same set twice). Nobody there: ``gone``, without the transaction.
    """
    outcomes: list[str] = []
    currents: dict[str, Permission | None] = {}
    for identity, enforcement in latest.items():
        current = enforcement.current
        if current is None and enforcement.livekit_room is not None:
            try:
                live = await gateway.get_participant(enforcement.livekit_room, identity)
            except AppError:
                live = None  # asked again under the lock (and logged as failed there if LiveKit is away)
            else:
                if live is None:
                    outcomes.append("gone")
                    continue
                current = live.permission
        currents[identity] = current
    if not currents:
        return outcomes
    async with session_factory() as session, session.begin():
        query = select(Room).where(Room.id == room_id).with_for_update()
        room = (await session.execute(query)).scalar_one_or_none()
        if room is None or not room.is_open:
            return outcomes
        outcomes.extend((await enforce_many(session, gateway, room, currents)).values())
    return outcomes
