from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Attributes, Identity, Metadata, ShortText

Role = Literal["owner", "admin", "member", "audience"]
State = Literal["invited", "joined", "left"]


class JoinRequest(msgspec.Struct, forbid_unknown_fields=True):
    identity: Identity
    name: ShortText = ""
    role: Role | None = None
    metadata: Metadata = None
    attributes: Attributes | None = None
    ttl: Annotated[int, msgspec.Meta(ge=30, le=86_400, description="token lifetime in seconds")] | None = None


class GrantsOut(msgspec.Struct):
    can_subscribe: bool
    can_publish: bool
    can_publish_data: bool
    can_publish_sources: list[str]
    room_admin: bool


class JoinResponse(msgspec.Struct):
    token: str
    url: str
    identity: str
    room: str
    role: Role
    grants: GrantsOut
    expires_at: dt.datetime


class TrackOut(msgspec.Struct):
    sid: str
    kind: str
    source: str
    muted: bool


class ParticipantOut(msgspec.Struct):
    identity: str
    name: str
    role: Role | None
    state: State
    connected: bool
    metadata: str
    attributes: dict[str, str]
    livekit_sid: str | None
    joined_at: dt.datetime | None
    left_at: dt.datetime | None
    tracks: list[TrackOut]


class ParticipantList(msgspec.Struct):
    items: list[ParticipantOut]
    next_cursor: str | None = None


class ParticipantUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: ShortText | msgspec.UnsetType = msgspec.UNSET
    metadata: Metadata = msgspec.UNSET
    attributes: Attributes | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
