from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Identity, Metadata, Reason, RoomName

CallType = Literal["audio", "video"]
PublicStatus = Literal["created", "active", "locked", "ended"]
# An aware time (RFC 3339 with an offset); a naive one is refused naming the field.
AwareTime = Annotated[dt.datetime, msgspec.Meta(tz=True)]
MaxDuration = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=2_678_400,
        description="seconds a LiveKit session of the room may last from its start; then roomsvc jobs"
        " ends the room (after a `room.closing` notice)",
    ),
]
OPENS_AT_DOC = (
    "joins before this time are refused (409 room-not-open-yet); the LiveKit room is created by the first"
    " join after it (docs/api.md, 'Scheduled and lockable rooms')"
)
CLOSES_AT_DOC = (
    "roomsvc jobs ends the room at this time (a `room.closing` notice first); must be in the future and"
    " after `opens_at`"
)
SeatMode = Literal["free", "apply"]
LOBBY_DOC = (
    "a waiting room: a join by an identity not yet admitted answers 202 with a join request that the owner"
    " or an admin admits or denies (docs/api.md, 'Waiting room'); off by default"
)
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
    lobby: Annotated[bool, msgspec.Meta(description=LOBBY_DOC)] = False
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
    opens_at: Annotated[AwareTime, msgspec.Meta(description=OPENS_AT_DOC)] | None = None
    closes_at: Annotated[AwareTime, msgspec.Meta(description=CLOSES_AT_DOC)] | None = None
    max_duration: MaxDuration | None = None


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
    lobby: (
        Annotated[bool, msgspec.Meta(description="see RoomCreate.lobby; applies to the joins after")]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    status: (
        Annotated[
            Literal["ended", "locked", "open"],
            msgspec.Meta(
                description="`ended` ends the room; `locked` closes it to new joins (connected participants"
                " stay), `open` reopens it"
            ),
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    opens_at: Annotated[AwareTime, msgspec.Meta(description=OPENS_AT_DOC)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )
    closes_at: Annotated[AwareTime, msgspec.Meta(description=CLOSES_AT_DOC)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )
    max_duration: MaxDuration | msgspec.UnsetType | None = msgspec.UNSET
    end_reason: (
        Annotated[Reason, msgspec.Meta(description="used with `status: ended`, ignored otherwise")]
        | msgspec.UnsetType
    ) = msgspec.UNSET


class RoomEnd(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason = "ended by API"


ControlUntil = Annotated[
    dt.datetime | None, msgspec.Meta(description="when the control ends by itself; null: until switched off")
]


class RoomControls(msgspec.Struct):
    """What members and audience may not do in the room (owners and admins keep every right):
    ``audio`` the microphone, ``video`` the camera, ``screen_share`` screen share and its audio, ``data``
    data messages and chat. A timed control shows as off once its time is up."""

    audio_disabled: bool
    audio_disabled_until: ControlUntil
    video_disabled: bool
    video_disabled_until: ControlUntil
    screen_share_disabled: bool
    screen_share_disabled_until: ControlUntil
    data_disabled: bool
    data_disabled_until: ControlUntil


class RoomOut(msgspec.Struct):
    name: str
    status: PublicStatus
    creator: str
    owner: str
    call_type: CallType
    source_channel_id: str | None
    source_channel_type: str | None
    invite_on: bool
    lobby: bool
    client_admin: bool
    max_participants: int
    empty_timeout: int
    departure_timeout: int
    metadata: str
    seats: int
    seat_mode: SeatMode
    auto_record: AutoRecord
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    max_duration: int | None
    ends_at: Annotated[
        dt.datetime | None,
        msgspec.Meta(
            description="when roomsvc jobs ends the room: `closes_at`, or earlier once a session with"
            " `max_duration` runs"
        ),
    ]
    livekit_sid: Annotated[
        str | None, msgspec.Meta(description="the current LiveKit session; null while LiveKit has none")
    ]
    created_at: dt.datetime
    updated_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str | None
    controls: RoomControls


class RoomPage(msgspec.Struct):
    items: list[RoomOut]
    next_cursor: str | None
