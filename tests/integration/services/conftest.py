"""Fixtures for service tests: domain services on the real MariaDB session, no HTTP, the fake gateway.

- ``db``: an ``AsyncSession`` on the test database, rolled back at the end of the test (services never
  commit: the request edge does, and here the test is the edge);
- ``make_room``: a room row written directly (no ``rooms.flows.create_room``: its pending row commits
  and it calls LiveKit), committed so that other connections (seat races, the jobs) see it, with its
  stage seats and the staff's roles; every room it made is deleted (with its rows, by cascade) at the end;
- ``fake``: a fresh :class:`tests.fakes.FakeLiveKitGateway`.

A module may override ``session_factory`` (tests/conftest.py) to run on a database of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.moderation import roles
from roomsvc.rooms.models import Room
from roomsvc.seats import service as seat_service
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import CALLER, OWNER, STAFF, MakeRoom, load_room
from tests.support import DEFAULT_PROJECT_ID


@pytest.fixture
def fake() -> FakeLiveKitGateway:
    return FakeLiveKitGateway()


@pytest.fixture
async def db(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    session = session_factory()
    try:
        yield session
    finally:
        await session.rollback()
        await session.close()


@pytest.fixture
async def make_room(
    db: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[MakeRoom]:
    made: list[int] = []

    async def factory(
        *,
        seats: int = 0,
        seat_mode: str = "free",
        call_type: str = "video",
        status: str = "active",
        staff: Mapping[str, str] = STAFF,
        max_participants: int = 0,
        invite_on: bool = False,
    ) -> Room:
        name = f"svc-{uuid.uuid4().hex[:12]}"
        async with session_factory() as setup, setup.begin():
            room = Room(
                project_id=DEFAULT_PROJECT_ID,
                name=name,
                livekit_name=name,
                status=status,
                creator=OWNER,
                owner=OWNER,
                call_type=call_type,
                seats=seats,
                seat_mode=seat_mode,
                max_participants=max_participants,
                invite_on=invite_on,
                spec_hash="svc-test",
                created_by=CALLER.credential_id,
            )
            setup.add(room)
            await setup.flush()
            made.append(room.id)
            await seat_service.create_seats(setup, room)
            await roles.upsert_role(setup, room, OWNER, "owner")
            for identity, role in staff.items():
                await roles.upsert_role(setup, room, identity, role)
        return await load_room(db, name)

    yield factory
    await db.rollback()  # release the test's row locks before deleting what it locked
    if made:
        async with session_factory() as cleanup, cleanup.begin():
            await cleanup.execute(delete(Room).where(Room.id.in_(made)))
