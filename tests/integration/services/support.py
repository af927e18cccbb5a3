"""Constants and row readers shared by the service tests (fixtures are in conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Mapping
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.events.models import Event
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation.models import AuditEntry, Ban, Mute
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.seats.models import Seat
from tests.support import DEFAULT_PROJECT_ID

OWNER = "olivia"
# The room's people besides its owner: two admins, two members, one audience member.
STAFF: Mapping[str, str] = {
    "ada": "admin",
    "abe": "admin",
    "mia": "member",
    "max": "member",
    "aud": "audience",
}

# A caller with every scope but admin (so `actor` is required), and one with admin (no actor needed).
CALLER = Caller(
    credential_id="svc-test",
    scopes=frozenset({"rooms:read", "rooms:write", "moderation"}),
    project_id=DEFAULT_PROJECT_ID,
    project="default",
)
ADMIN_CALLER = Caller(
    credential_id="svc-admin", scopes=frozenset({"admin"}), project_id=DEFAULT_PROJECT_ID, project="default"
)


class MakeRoom(Protocol):
    def __call__(
        self,
        *,
        seats: int = ...,
        seat_mode: str = ...,
        call_type: str = ...,
        status: str = ...,
        staff: Mapping[str, str] = ...,
        max_participants: int = ...,
        invite_on: bool = ...,
    ) -> Awaitable[Room]: ...


def act(session: AsyncSession, livekit: Any, room: Room, caller: Caller = CALLER) -> RoomAction:
    """The ``RoomAction`` a route's ``action`` dependency would build, with the fake gateway."""
    gateway: LiveKitGateway = (
        livekit  # the fake has the gateway's interface (tests/unit/test_fake_gateway.py)
    )
    return RoomAction(room=room, session=session, livekit=gateway, caller=caller)


async def load_room(session: AsyncSession, name: str, *, for_update: bool = False) -> Room:
    query = select(Room).where(Room.name == name)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one()


async def audit_of(session: AsyncSession, room: Room) -> list[dict[str, Any]]:
    """The room's audit entries, oldest first, as plain dicts (params decoded)."""
    rows = (
        await session.execute(select(AuditEntry).where(AuditEntry.room_id == room.id).order_by(AuditEntry.id))
    ).scalars()
    return [
        {
            "action": r.action,
            "caller": r.caller,
            "actor": r.actor,
            "target": r.target,
            "reason": r.reason,
            "params": json.loads(r.params),
        }
        for r in rows
    ]


async def mutes_of(session: AsyncSession, room: Room) -> list[tuple[str, str]]:
    """(identity, source) of every mute row of the room, expired or not, sorted."""
    rows = await session.execute(select(Mute.identity, Mute.source).where(Mute.room_id == room.id))
    return sorted((identity, source) for identity, source in rows.all())


async def bans_of(session: AsyncSession, room: Room) -> list[Ban]:
    return list((await session.execute(select(Ban).where(Ban.room_id == room.id).order_by(Ban.id))).scalars())


async def seats_of(session: AsyncSession, room: Room) -> dict[int, str | None]:
    rows = await session.execute(select(Seat.seat_index, Seat.identity).where(Seat.room_id == room.id))
    return dict(rows.tuples().all())


async def events_of(session: AsyncSession, room: Room) -> list[str]:
    """Types of the events emitted for the room, oldest first."""
    rows = await session.execute(select(Event.type).where(Event.room_name == room.name).order_by(Event.id))
    return list(rows.scalars())
