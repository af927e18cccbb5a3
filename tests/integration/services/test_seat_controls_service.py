"""Seat controls at the service layer: races settled by the database (no room row lock, as in
test_seats_service.py), locks pushed live to the occupant, notices to the identities affected.

Each race holds the first session's transaction open until the second is seen waiting on a seat row's
lock (its statement in ``information_schema.PROCESSLIST``), then commits, so the two really overlap.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.errors import Conflict
from roomsvc.moderation import permissions
from roomsvc.notices.service import TOPIC
from roomsvc.rooms.service import RoomAction
from roomsvc.seats import controls
from roomsvc.seats import service as seat_service
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import MakeRoom, act, audit_of, events_of, load_room, seats_of
from tests.support import eventually

Action = Callable[[RoomAction], Awaitable[object]]


async def _waiting_statement(session_factory: async_sessionmaker[AsyncSession], connection_id: int) -> str:
    async with session_factory() as probe:
        query = text("SELECT COALESCE(INFO, '') FROM information_schema.PROCESSLIST WHERE ID = :id")
        return str((await probe.execute(query, {"id": connection_id})).scalar_one_or_none() or "")


async def _overlap(
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
    room_name: str,
    first: Action,
    second: Action,
) -> Conflict | None:
    """``first`` runs and holds its transaction until ``second`` waits on a seat lock, then commits;
    ``second`` commits too if it succeeds. Returns how ``second`` was refused, or None."""
    async with session_factory() as one, session_factory() as two:
        await first(act(one, fake, await load_room(one, room_name)))
        waiter = int((await two.execute(text("SELECT CONNECTION_ID()"))).scalar_one())
        contender = asyncio.create_task(second(act(two, fake, await load_room(two, room_name))))
        try:
            await eventually(
                lambda: _waiting_statement(session_factory, waiter),
                check=lambda info: "FOR UPDATE" in info.upper() and "SEATS" in info.upper(),
                what="the second action to wait on the first one's seat locks",
            )
            assert not contender.done()
            await one.commit()
            try:
                await contender
            except Conflict as exc:
                await two.rollback()
                return exc
            await two.commit()
            return None
        finally:
            if not contender.done():
                contender.cancel()


async def _seat(db: AsyncSession, fake: FakeLiveKitGateway, room_name: str, index: int, who: str) -> None:
    room = await load_room(db, room_name)
    await seat_service.take(act(db, fake, room), index, who, actor="ada")


async def test_two_moves_to_one_free_seat_have_one_winner(
    db: AsyncSession,
    make_room: MakeRoom,
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
) -> None:
    room = await make_room(seats=3)
    async with session_factory() as setup, setup.begin():
        await _seat(setup, fake, room.name, 0, "mia")
        await _seat(setup, fake, room.name, 1, "max")
    refused = await _overlap(
        session_factory,
        fake,
        room.name,
        lambda a: controls.move(a, 0, 2, actor="ada", reason=""),
        lambda a: controls.move(a, 1, 2, actor="ada", reason=""),
    )
    assert refused is not None and refused.code == "seat-taken"
    assert await seats_of(db, room) == {0: None, 1: "max", 2: "mia"}
    assert [e["action"] for e in await audit_of(db, room)][-1] == "seat_move"


async def test_crossing_swaps_queue_on_the_seat_locks_and_both_apply(
    db: AsyncSession,
    make_room: MakeRoom,
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
) -> None:
    """swap(0, 1) and swap(1, 0) lock the two seats in the same (index) order: no deadlock, the second
    waits and then swaps back what the first swapped."""
    room = await make_room(seats=2)
    async with session_factory() as setup, setup.begin():
        await _seat(setup, fake, room.name, 0, "mia")
        await _seat(setup, fake, room.name, 1, "max")
    refused = await _overlap(
        session_factory,
        fake,
        room.name,
        lambda a: controls.swap(a, 0, 1, actor="ada", reason=""),
        lambda a: controls.swap(a, 1, 0, actor="ada", reason=""),
    )
    assert refused is None
    assert await seats_of(db, room) == {0: "mia", 1: "max"}
    swaps = [e["params"] for e in await audit_of(db, room) if e["action"] == "seat_swap"]
    assert [(p["from"], p["to"]) for p in swaps] == [(0, 1), (1, 0)]


async def test_a_move_racing_a_swap_of_its_seat_sees_the_swapped_occupant(
    db: AsyncSession,
    make_room: MakeRoom,
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
) -> None:
    room = await make_room(seats=3)
    async with session_factory() as setup, setup.begin():
        await _seat(setup, fake, room.name, 0, "mia")
        await _seat(setup, fake, room.name, 1, "max")
    refused = await _overlap(
        session_factory,
        fake,
        room.name,
        lambda a: controls.swap(a, 0, 1, actor="ada", reason=""),
        lambda a: controls.move(a, 0, 2, actor="ada", reason=""),
    )
    assert refused is None
    assert await seats_of(db, room) == {0: None, 1: "mia", 2: "max"}


async def test_a_mic_lock_is_pushed_to_the_occupant_who_is_told(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(seats=2, call_type="video")
    fake.connect(room.name, "mia")
    await seat_service.take(act(db, fake, room), 0, "mia", actor="ada")
    assert fake.participants[room.name]["mia"].can_publish_sources == ("camera", "microphone")

    seat = await controls.set_media_locked(
        act(db, fake, room), 0, "microphone", True, actor="ada", reason="echo"
    )
    assert (seat.identity, seat.mic_locked) == ("mia", True)
    assert fake.participants[room.name]["mia"].can_publish_sources == ("camera",)
    assert await permissions.seat_state(db, room.id, "mia") == (True, frozenset({"microphone"}))
    notices = [
        json.loads(d.payload) | {"to": d.destination_identities} for d in fake.sent if d.topic == TOPIC
    ]
    mine = [n for n in notices if n["type"] == "seat.mic_locked"]
    assert [(n["seat"], n["identity"], n["actor"], n["reason"], n["to"]) for n in mine] == [
        (0, "mia", "ada", "echo", ())  # to everyone: the stage is shown to all
    ]

    await controls.move(act(db, fake, room), 0, 1, actor="ada", reason="")
    assert fake.participants[room.name]["mia"].can_publish_sources == ("camera", "microphone")
    with pytest.raises(Conflict) as refused:
        await controls.move(act(db, fake, room), 0, 1, actor="ada", reason="")
    assert refused.value.code == "seat-empty"
    assert (await events_of(db, room))[-3:] == ["seat.taken", "seat.mic_locked", "seat.moved"]
    audit = await audit_of(db, room)
    assert audit[-2]["params"] == {"seat": 0, "applied_live": True}
    assert audit[-1]["params"] == {"from": 0, "to": 1, "applied_live": True}
