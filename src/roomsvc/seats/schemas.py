from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Actor, Identity, Reason

SeatIndex = Annotated[
    int,
    msgspec.Meta(ge=0, le=63, description="a seat index, below the room's `seats` (a higher one is a 404)"),
]


class SeatOut(msgspec.Struct):
    index: int
    identity: str | None
    locked: bool


class SeatList(msgspec.Struct):
    seat_mode: Literal["free", "apply"]
    items: list[SeatOut]


class TakeSeat(msgspec.Struct, forbid_unknown_fields=True):
    identity: Identity
    actor: Actor | None = None


class LeaveSeat(msgspec.Struct, forbid_unknown_fields=True):
    identity: Identity


class SeatAction(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    reason: Reason = ""


class SeatRequestCreate(msgspec.Struct, forbid_unknown_fields=True):
    identity: Identity
    seat: SeatIndex | None = None


class SeatRequestDecision(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    seat: SeatIndex | None = None
    reason: Reason = ""


class SeatRequestOut(msgspec.Struct):
    id: str
    identity: str
    preferred_seat: int | None
    status: Literal["pending", "approved", "rejected", "cancelled"]
    seat: int | None
    reason: str
    decided_by: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class SeatRequestList(msgspec.Struct):
    items: list[SeatRequestOut]
    next_cursor: str | None = None
