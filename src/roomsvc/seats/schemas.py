from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Actor, Identity, Reason

SeatIndex = Annotated[
    int,
    msgspec.Meta(ge=0, le=63, description="a seat index, below the room's `seats` (a higher one is a 404)"),
]


RequestStatus = Literal["pending", "approved", "rejected", "cancelled", "accepted", "declined", "expired"]
RequestKind = Literal["application", "invitation"]
INVITATION_TTL = 300  # seconds a stage invitation waits for an answer unless `expires_in` says otherwise


class SeatOut(msgspec.Struct):
    index: int
    identity: str | None
    locked: bool
    mic_locked: Annotated[bool, msgspec.Meta(description="whoever sits here cannot publish the microphone")]
    camera_locked: Annotated[bool, msgspec.Meta(description="whoever sits here cannot publish the camera")]


class SeatChange(msgspec.Struct):
    """The seats a move or a swap changed, in index order."""

    items: list[SeatOut]


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


class SeatMove(msgspec.Struct, forbid_unknown_fields=True):
    to: Annotated[SeatIndex, msgspec.Meta(description="the free seat to move the occupant to")]
    actor: Actor | None = None
    reason: Reason = ""


class SeatSwap(msgspec.Struct, forbid_unknown_fields=True):
    with_: Annotated[SeatIndex, msgspec.Meta(description="the other occupied seat")] = msgspec.field(
        name="with"
    )
    actor: Actor | None = None
    reason: Reason = ""


class SeatRequestCreate(msgspec.Struct, forbid_unknown_fields=True):
    identity: Identity
    seat: SeatIndex | None = None
    kind: Annotated[
        RequestKind,
        msgspec.Meta(
            description="`application`: the identity asks (default); `invitation`: an owner/admin (`actor`) "
            "invites the identity onto the stage, and the identity accepts or declines"
        ),
    ] = "application"
    actor: Annotated[Actor | None, msgspec.Meta(description="invitations: the inviting owner/admin")] = None
    expires_in: (
        Annotated[
            int,
            msgspec.Meta(
                ge=10, le=86400, description=f"invitations: seconds to answer (default {INVITATION_TTL})"
            ),
        ]
        | None
    ) = None


class SeatRequestDecision(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    seat: SeatIndex | None = None
    reason: Reason = ""


class InvitationAnswer(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason = ""


class SeatRequestOut(msgspec.Struct):
    id: str
    identity: str
    preferred_seat: int | None
    status: RequestStatus
    seat: int | None
    reason: str
    decided_by: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    kind: RequestKind
    invited_by: Annotated[str | None, msgspec.Meta(description="invitations: the inviting identity")]
    expires_at: Annotated[dt.datetime | None, msgspec.Meta(description="invitations: when it expires")]


class SeatRequestList(msgspec.Struct):
    items: list[SeatRequestOut]
    next_cursor: str | None = None
