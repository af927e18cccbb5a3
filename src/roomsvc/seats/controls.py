"""Seat controls: microphone and camera locks that belong to the seat, moves and swaps.

Settled by the database like takes: the seats involved are locked ``FOR UPDATE`` in index order (two
swaps never wait on each other in a circle), the move's target must still be free and unlocked once its
row is locked, and ``UNIQUE (room_id, identity)`` keeps anyone from holding two seats half-way through a
swap (the first seat is emptied before the second is given away).

A lock stays with the seat: whoever sits there has the locked source taken out of its grants
(``permissions.effective_grants`` merges the seat's locks into the muted sources), and LiveKit removes
that track. A move or a swap changes which locks apply to whom, so both occupants' grants are pushed.
Every action writes its audit entry and event in the request's transaction, and tells the room with a
notice (``roomsvc.notice``, to everyone like the other seat notices: the stage is shown to all) naming
the identities it affects.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from sqlalchemy import select

from roomsvc.errors import BadRequest, Conflict
from roomsvc.moderation import audit, permissions
from roomsvc.notices import service as notices
from roomsvc.rooms.service import RoomAction
from roomsvc.seats import service
from roomsvc.seats.models import Seat

LockedSource = Literal["microphone", "camera"]
# source → (the seat's column, its short name in audit actions and events)
_LOCKS: dict[str, tuple[str, str]] = {
    "microphone": ("mic_locked", "mic"),
    "camera": ("camera_locked", "camera"),
}


async def _lock_seats(act: RoomAction, indexes: Collection[int]) -> dict[int, Seat]:
    """The seats at ``indexes``, locked ``FOR UPDATE`` in index order and read fresh."""
    session, room = act.session, act.room
    for index in indexes:
        service._ensure_stage(room, index)
    query = (
        select(Seat)
        .where(Seat.room_id == room.id, Seat.seat_index.in_(sorted(indexes)))
        .order_by(Seat.seat_index)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {seat.seat_index: seat for seat in (await session.execute(query)).scalars()}


async def _authorize_on(act: RoomAction, actor: str | None, occupant: str | None, action: str) -> str | None:
    """The rank check for an action on a seat's occupant (a moderator may act on its own seat)."""
    target = occupant if occupant is not None and occupant != actor else None
    return await permissions.authorize(act.session, act.room, act.caller, actor, target=target, action=action)


async def set_media_locked(
    act: RoomAction, index: int, source: LockedSource, locked: bool, *, actor: str | None, reason: str
) -> Seat:
    """Lock or unlock the seat's microphone or camera, empty or occupied; the occupant stays seated."""
    seat = (await _lock_seats(act, (index,)))[index]
    occupant = seat.identity
    actor = await _authorize_on(act, actor, occupant, "lock or unlock a seat's microphone or camera")
    column, short = _LOCKS[source]
    setattr(seat, column, locked)
    await act.session.flush()
    connected = (
        await permissions.apply_live(act.session, act.livekit, act.room, occupant) if occupant else False
    )
    verb = "lock" if locked else "unlock"
    params = {"seat": index, "applied_live": connected}
    await audit.record(
        act.session,
        act.room,
        f"seat_{short}_{verb}",
        act.caller,
        actor,
        target=occupant,
        reason=reason,
        params=params,
    )
    notice = {"seat": index, "identity": occupant, "actor": actor, "reason": reason}
    await notices.notify(act.livekit, act.room, f"seat.{short}_{verb}ed", notice)
    return seat


async def move(act: RoomAction, index: int, to: int, *, actor: str | None, reason: str) -> list[Seat]:
    """Move the occupant of seat ``index`` to the free seat ``to``; returns both seats."""
    if to == index:
        raise BadRequest(f"`to` must be another seat than {index}.", field="to")
    seats = await _lock_seats(act, (index, to))
    source, target = seats[index], seats[to]
    occupant = source.identity
    if occupant is None:
        raise Conflict(f"Seat {index} is empty.", code="seat-empty")
    actor = await _authorize_on(act, actor, occupant, "move someone to another seat")
    if target.locked:
        raise Conflict(f"Seat {to} is locked.", code="seat-locked")
    if target.identity is not None:
        raise Conflict(f"Seat {to} is taken.", code="seat-taken")
    source.identity = None
    await act.session.flush()  # first empty the old seat: UNIQUE (room_id, identity)
    target.identity = occupant
    await act.session.flush()
    connected = await permissions.apply_live(act.session, act.livekit, act.room, occupant)
    params = {"from": index, "to": to, "applied_live": connected}
    await audit.record(
        act.session, act.room, "seat_move", act.caller, actor, target=occupant, reason=reason, params=params
    )
    notice = {"identity": occupant, "from": index, "to": to, "actor": actor, "reason": reason}
    await notices.notify(act.livekit, act.room, "seat.moved", notice)
    return [source, target] if index < to else [target, source]


async def swap(act: RoomAction, index: int, other: int, *, actor: str | None, reason: str) -> list[Seat]:
    """Swap the occupants of two occupied seats; returns both seats."""
    if other == index:
        raise BadRequest(f"`with` must be another seat than {index}.", field="with")
    seats = await _lock_seats(act, (index, other))
    first, second = seats[index].identity, seats[other].identity
    for seat_index, occupant in ((index, first), (other, second)):
        if occupant is None:
            raise Conflict(f"Seat {seat_index} is empty: move the other occupant instead.", code="seat-empty")
    assert first is not None and second is not None
    for occupant in (first, second):
        actor = await _authorize_on(act, actor, occupant, "swap seats")
    seats[index].identity = None
    await act.session.flush()  # UNIQUE (room_id, identity): nobody holds two seats at any moment
    seats[other].identity = first
    await act.session.flush()
    seats[index].identity = second
    await act.session.flush()
    applied = [
        await permissions.apply_live(act.session, act.livekit, act.room, who) for who in (first, second)
    ]
    params = {
        "from": index,
        "to": other,
        "other": second,
        "applied_live": applied[0],
        "other_applied_live": applied[1],
    }
    await audit.record(
        act.session, act.room, "seat_swap", act.caller, actor, target=first, reason=reason, params=params
    )
    notice = {
        "identity": first,
        "from": index,
        "to": other,
        "other": second,
        "actor": actor,
        "reason": reason,
    }
    await notices.notify(act.livekit, act.room, "seat.swapped", notice)
    return [seats[i] for i in sorted((index, other))]
