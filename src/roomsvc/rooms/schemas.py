from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Identity, Metadata, Reason, RoomName

CallType = Literal["audio", "video"]
PublicStatus = Literal["created", "active", "ended"]
SeatMode = Literal["free", "apply"]
Policy = Literal["notify", "mute", "kick"]
AutoRecord = Literal["off", "room_audio", "tracks"]
AUTO_RECORD_DOC = (
    "`room_audio` or `tracks`: a recording of that kind starts when the first participant joins (once per"
    " LiveKit room session; docs/recording.md); `off` (the default) records only on request"
)


class DetectionSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A room's detection settings (``detection`` in POST /v1/rooms, body of POST …/detection)."""

    enabled: bool = True
    policy: Policy = "notify"
    mute_seconds: Annotated[int, msgspec.Meta(ge=10, le=86_400)] | None = 300
    ban_seconds: Annotated[int, msgspec.Meta(ge=10, le=31_536_000)] | None = 600


class RoomCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: RoomName
    creator: Identity
    call_type: CallType = "video"
    source_channel_id: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    source_channel_type: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    invite_on: bool = False
    client_admin: Annotated[
        bool,
        msgspec.Meta(
            description="owner-only opt-in: the owner's join token carries LiveKit's roomAdmin, so the"
            " owner's client can call LiveKit's RoomService for this room directly, bypassing roomsvc's"
            " rank rules and audit (docs/api.md, 'The token model'); off by default"
        ),
    ] = False
    max_participants: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 0
    empty_timeout: Annotated[int, msgspec.Meta(ge=0, le=86_400)] = 300
    departure_timeout: Annotated[int, msgspec.Meta(ge=0, le=3_600)] = 20
    metadata: Metadata = None
    seats: Annotated[
        int,
        msgspec.Meta(
            ge=0,
            le=64,
            description="stage seats; 0 (the default) = no stage: a meeting where members publish",
        ),
    ] = 0
    seat_mode: SeatMode = "apply"
    detection: DetectionSpec | None = None
    auto_record: Annotated[AutoRecord, msgspec.Meta(description=AUTO_RECORD_DOC)] = "off"


class RoomUpdate(msgspec.Struct, forbid_unknown_fields=True):
    metadata: Metadata = msgspec.UNSET
    max_participants: Annotated[int, msgspec.Meta(ge=0, le=10_000)] | msgspec.UnsetType = msgspec.UNSET
    client_admin: (
        Annotated[
            bool, msgspec.Meta(description="see RoomCreate.client_admin; applies to tokens minted after")
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    auto_record: (
        Annotated[AutoRecord, msgspec.Meta(description="see RoomCreate.auto_record; from the next start")]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    status: Literal["ended"] | msgspec.UnsetType = msgspec.UNSET
    end_reason: (
        Annotated[Reason, msgspec.Meta(description="used with `status: ended`, ignored otherwise")]
        | msgspec.UnsetType
    ) = msgspec.UNSET


class RoomEnd(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason = "ended by API"


class RoomOut(msgspec.Struct):
    name: str
    status: PublicStatus
    creator: str
    owner: str
    call_type: CallType
    source_channel_id: str | None
    source_channel_type: str | None
    invite_on: bool
    client_admin: bool
    max_participants: int
    empty_timeout: int
    departure_timeout: int
    metadata: str
    seats: int
    seat_mode: SeatMode
    auto_record: AutoRecord
    livekit_sid: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str | None


class RoomPage(msgspec.Struct):
    items: list[RoomOut]
    next_cursor: str | None
