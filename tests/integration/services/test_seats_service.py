"""Stage seats at the service layer: races settled by the database, locks, grants pushed on take/leave.

The race tests use two real sessions (two MariaDB connections) and do not lock the room row, as the
HTTP edge does, so the database itself — the conditional UPDATE and ``UNIQUE (room_id, identity)`` —
must pick the winner. The first session's transaction is held open until the second is seen waiting
on its lock (its statement is still running, in ``information_schema.PROCESSLIST``); only then does the
first commit, so the two really overlap.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.errors import Conflict, Forbidden
from roomsvc.moderation import bans, permissions
from roomsvc.seats import service as seat_service
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import OWNER, MakeRoom, act, audit_of, load_room, seats_of
from tests.support import eventually


async def _connection_id(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT CONNECTION_ID()"))).scalar_one())


async def _waiting_statement(session_factory: async_sessionmaker[AsyncSession], connection_id: int) -> str:
    async with session_factory() as probe:
        query = text("SELECT COALESCE(INFO, '') FROM information_schema.PROCESSLIST WHERE ID = :id")
        return str((await probe.execute(query, {"id": connection_id})).scalar_one_or_none() or "")


async def _race(
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
    room_name: str,
    first: tuple[int, str],
    second: tuple[int, str],
) -> Conflict:
    """``first`` takes its seat and holds its transaction until ``second``'s take waits on it, then
    commits; returns how ``second`` was refused."""
    async with session_factory() as one, session_factory() as two:
        room_one = await load_room(one, room_name)
        room_two = await load_room(two, room_name)
        seat = await seat_service.take(act(one, fake, room_one), first[0], first[1], actor=None)
        assert seat.identity == first[1]
        waiter = await _connection_id(two)
        contender = asyncio.create_task(
            seat_service.take(act(two, fake, room_two), second[0], second[1], actor=None)
        )
        try:
            await eventually(
                lambda: _waiting_statement(session_factory, waiter),
                check=lambda info: info.upper().startswith("UPDATE SEATS"),
                what="the second take to wait on the first one's seat lock",
            )
            assert not contender.done()
            await one.commit()
            with pytest.raises(Conflict) as refused:
                await contender
        finally:
            if not contender.done():
                contender.cancel()
        await two.rollback()
        return refused.value


async def test_two_takes_of_one_seat_have_one_winner(
    db: AsyncSession,
    make_room: MakeRoom,
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
) -> None:
    room = await make_room(seats=2)
    refused = await _race(session_factory, fake, room.name, (0, "mia"), (0, "max"))
    assert refused.code == "seat-taken"
    assert await seats_of(db, room) == {0: "mia", 1: None}
    assert [(e["action"], e["target"]) for e in await audit_of(db, room)] == [("seat_take", "mia")]


async def test_one_identity_racing_for_two_seats_gets_one(
    db: AsyncSession,
    make_room: MakeRoom,
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
) -> None:
    room = await make_room(seats=2)
    refused = await _race(session_factory, fake, room.name, (0, "mia"), (1, "mia"))
    assert refused.code == "already-seated"
    assert await seats_of(db, room) == {0: "mia", 1: None}


async def test_many_concurrent_takes_have_one_winner(
    db: AsyncSession,
    make_room: MakeRoom,
    session_factory: async_sessionmaker[AsyncSession],
    fake: FakeLiveKitGateway,
) -> None:
    """Six sessions race for the only seat, each committing its own transaction as the edge would."""
    room = await make_room(seats=1)

    async def attempt(identity: str) -> str:
        async with session_factory() as session:
            loaded = await load_room(session, room.name)
            try:
                await seat_service.take(act(session, fake, loaded), 0, identity, actor=None)
            except Conflict as exc:
                await session.rollback()
                return exc.code
            await session.commit()
            return "won"

    identities = [f"c{i}" for i in range(6)]
    outcomes = await asyncio.gather(*(attempt(i) for i in identities))
    assert sorted(outcomes) == ["seat-taken"] * 5 + ["won"]
    winner = identities[outcomes.index("won")]
    assert await seats_of(db, room) == {0: winner}


async def test_a_locked_seat_refuses_takes(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(seats=2)
    seat = await seat_service.set_locked(act(db, fake, room), 1, True, actor="ada")
    assert seat.locked
    with pytest.raises(Conflict) as refused:
        await seat_service.take(act(db, fake, room), 1, "mia", actor=None)
    assert refused.value.code == "seat-locked"
    with pytest.raises(Conflict) as refused:  # a moderator cannot place someone there either
        await seat_service.take(act(db, fake, room), 1, "mia", actor="ada")
    assert refused.value.code == "seat-locked"
    assert await seats_of(db, room) == {0: None, 1: None}
    # An occupied seat cannot be locked; an unlocked one can be taken again.
    await seat_service.take(act(db, fake, room), 0, "max", actor=None)
    with pytest.raises(Conflict) as refused:
        await seat_service.set_locked(act(db, fake, room), 0, True, actor="ada")
    assert refused.value.code == "seat-occupied"
    await seat_service.set_locked(act(db, fake, room), 1, False, actor=OWNER)
    await seat_service.take(act(db, fake, room), 1, "mia", actor=None)
    assert await seats_of(db, room) == {0: "max", 1: "mia"}
    assert [e["action"] for e in await audit_of(db, room)] == [
        "seat_lock",
        "seat_take",
        "seat_unlock",
        "seat_take",
    ]


async def test_apply_mode_needs_a_moderator_to_place(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(seats=1, seat_mode="apply")
    with pytest.raises(Forbidden) as refused:
        await seat_service.take(act(db, fake, room), 0, "mia", actor=None)
    assert refused.value.code == "seat-approval-required"
    with pytest.raises(Forbidden) as refused:
        await seat_service.take(act(db, fake, room), 0, "mia", actor="max")
    assert refused.value.code == "not-a-moderator"
    assert await seats_of(db, room) == {0: None}
    await seat_service.take(act(db, fake, room), 0, "mia", actor="ada")
    assert await seats_of(db, room) == {0: "mia"}


async def test_a_seat_grants_publishing_live_and_leaving_revokes_it(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(seats=2, call_type="audio")
    fake.connect(room.name, "aud", grants=permissions.grants_for_role("audience", "audio", stage=True))
    assert fake.participants[room.name]["aud"].can_publish is False

    await seat_service.take(act(db, fake, room), 1, "aud", actor=None)
    assert fake.participants[room.name]["aud"].can_publish_sources == ("microphone",)
    await seat_service.leave(act(db, fake, room), 1, "aud")
    live = fake.participants[room.name]["aud"]
    assert (live.can_publish, live.can_publish_sources) == (False, ())
    assert [g.can_publish for g in fake.grants_pushed(room.name, "aud")] == [True, False]
    assert [(e["action"], e["params"]) for e in await audit_of(db, room)] == [
        ("seat_take", {"seat": 1, "applied_live": True}),
        ("seat_leave", {"seat": 1, "applied_live": True}),
    ]
    with pytest.raises(Conflict) as refused:
        await seat_service.leave(act(db, fake, room), 1, "aud")
    assert refused.value.code == "not-seated"


async def test_a_banned_identity_cannot_sit(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(seats=1)
    await bans.upsert_ban(db, room, "max", expires_at=None, reason="spam", actor="ada")
    with pytest.raises(Forbidden) as refused:
        await seat_service.take(act(db, fake, room), 0, "max", actor=None)
    assert refused.value.code == "identity-banned"
    with pytest.raises(Forbidden):
        await seat_service.create_request(act(db, fake, room), "max", None)
    assert await seats_of(db, room) == {0: None}
