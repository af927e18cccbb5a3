from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Actor, Reason

JoinRequestStatus = Literal["pending", "admitted", "denied", "expired"]


class JoinRequestOut(msgspec.Struct):
    """A join request (a knock on a lobby room). A pending request past ``expires_at`` reads ``expired``."""

    id: str
    room: str
    identity: str
    name: Annotated[str, msgspec.Meta(description="the display name the join asked for")]
    status: JoinRequestStatus
    reason: Annotated[str, msgspec.Meta(description="the reason a denial gave")]
    decided_by: Annotated[
        str | None, msgspec.Meta(description="the actor (or caller credential) that admitted or denied")
    ]
    created_at: dt.datetime
    expires_at: Annotated[dt.datetime, msgspec.Meta(description="unanswered by then, it expires")]
    decided_at: dt.datetime | None


class JoinRequestList(msgspec.Struct):
    items: list[JoinRequestOut]
    next_cursor: str | None = None


class JoinRequestDecision(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    reason: Reason = ""
