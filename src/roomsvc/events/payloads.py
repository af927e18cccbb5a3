"""The ``data`` of every event type, as msgspec structs: the contract the OpenAPI document publishes.

:data:`PAYLOADS` maps each :class:`~roomsvc.events.types.EventType` to the struct that describes its
``data`` exactly as emitted (``tests/unit/events/test_payloads.py`` checks the mapping is total). The app
renders each struct as a component schema named by :func:`component_name` (``seat_request.created`` →
``SeatRequestCreatedData``; the typed clients rely on that name) and lists one entry per type in the
document's ``webhooks`` section (``roomsvc.openapi.add_event_webhooks``).

:func:`check` holds the emitters to it: :func:`roomsvc.events.service.emit` decodes the JSON it stores
with the type's struct, strictly (no coercion, unknown fields refused). A mismatch raises
:class:`PayloadMismatch` in dev (``ROOMSVC_ENV=dev``, and in every test), and in production is logged
(``event.payload_mismatch``) and counted (``roomsvc_event_payload_mismatches_total``) while the event is
still recorded: a wrong schema must not lose an event that describes a committed change.

The published schemas leave ``additionalProperties`` open, although :func:`check` refuses unknown fields:
a field added to a payload later is then a compatible change for clients generated from an older document.
Every payload may carry ``request_id``, the ``X-Request-ID`` of the API request that caused the event.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from roomsvc.events.types import EventType

Timestamp = Annotated[dt.datetime, msgspec.Meta(tz=True)]
RequestId = Annotated[
    str,
    msgspec.Meta(
        description="The `X-Request-ID` of the API request that caused the event; absent otherwise."
    ),
]
Role = Literal["owner", "admin", "member", "audience"]
MediaSource = Literal["microphone", "camera", "screen_share", "screen_share_audio"]
DetectionKind = Literal["audio", "video"]
DetectionState = Literal["clear", "suspicious", "alert"]


class Payload(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Every event's ``data``: what all types share."""

    request_id: RequestId | UnsetType = UNSET


# --- rooms -----------------------------------------------------------------------------------------------


class RoomCreatedData(Payload):
    room_sid: Annotated[
        str | None,
        msgspec.Meta(description="null for a scheduled room: its first join creates the LiveKit room"),
    ]
    creator: str
    call_type: Literal["audio", "video"]
    max_participants: Annotated[int, msgspec.Meta(ge=0, description="0 = no limit")]
    metadata: str
    repaired: (
        Annotated[
            bool,
            msgspec.Meta(description="present (true) when reconciliation completed an interrupted creation"),
        ]
        | UnsetType
    ) = UNSET


class RoomUpdatedData(Payload):
    room_sid: str | None
    creator: str
    call_type: Literal["audio", "video"]
    max_participants: Annotated[int, msgspec.Meta(ge=0, description="0 = no limit")]
    metadata: str


class RoomStartedData(Payload):
    room_sid: str
    started_at: Timestamp


class RoomEndedData(Payload):
    room_sid: str | None
    reason: str


# --- participants and tracks (from LiveKit's webhooks, or reconciliation) ---------------------------------


class ParticipantJoinedData(Payload):
    identity: str
    participant_sid: str
    room_sid: str
    kind: Annotated[str, msgspec.Meta(description="`standard`, `agent`, `ingress`, `egress` or `sip`")]
    repaired: bool


class ParticipantLeftData(Payload):
    identity: str
    participant_sid: str
    reason: str


class TrackPublishedData(Payload):
    identity: str
    participant_sid: str
    track_sid: str
    kind: Literal["audio", "video", "data"]
    source: Literal["microphone", "camera", "screen_share", "screen_share_audio", "unknown"]


class TrackUnpublishedData(TrackPublishedData):
    pass


# --- egress and ingress ----------------------------------------------------------------------------------


class EgressUpdatedData(Payload):
    egress_id: str
    status: str
    event: Literal["egress_started", "egress_updated", "egress_ended"]


class IngressUpdatedData(Payload):
    ingress_id: str
    status: str
    event: Literal["ingress_started", "ingress_ended"]


# --- moderation and seats: one shape (the audit entry's), the params per type -----------------------------


class KickParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    ban_expires_at: Timestamp | None
    permanent: bool
    was_connected: bool
    seat: int | None


class NoParams(msgspec.Struct, forbid_unknown_fields=True):
    pass


class MuteParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    sources: list[MediaSource]
    expires_at: Timestamp | None
    applied_live: bool


class UnmuteParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    sources: list[MediaSource]
    applied_live: bool


class RoleChangeParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    from_: Role | None = msgspec.field(name="from")
    to: Role
    applied_live: bool | UnsetType = UNSET  # absent when an accepted invitation changed the role
    invitation: (
        Annotated[str, msgspec.Meta(description="the invitation whose acceptance changed the role")]
        | UnsetType
    ) = UNSET


class OwnerChangeParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    previous_owner: str


class SeatChangeParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    seat: int
    applied_live: bool


class SeatParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    seat: int


class SeatRequestCreatedParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    request_id: str
    preferred_seat: int | None


class SeatRequestApprovedParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    request_id: str
    seat: int
    applied_live: bool


class SeatRequestParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    request_id: str


class SeatMediaLockParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    seat: int
    applied_live: Annotated[
        bool, msgspec.Meta(description="the occupant's new permissions were pushed to LiveKit")
    ]


class SeatMoveParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    from_: int = msgspec.field(name="from")
    to: int
    applied_live: bool


class SeatSwapParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    from_: Annotated[int, msgspec.Meta(description="the target's seat before the swap")] = msgspec.field(
        name="from"
    )
    to: Annotated[int, msgspec.Meta(description="the target's seat after the swap (the other's before)")]
    other: Annotated[str, msgspec.Meta(description="the identity that moved from `to` to `from`")]
    applied_live: bool
    other_applied_live: bool


class SeatInvitedParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    request_id: str
    preferred_seat: int | None
    expires_at: Annotated[str, msgspec.Meta(description="RFC 3339: when the invitation expires")]


Actor = Annotated[
    str | None,
    msgspec.Meta(description="the identity that acted, or null (the system, or an admin-scope caller)"),
]


class ModerationPayload(Payload):
    actor: Actor
    target: str
    reason: str


class ParticipantKickedData(ModerationPayload):
    params: KickParams


class ParticipantBanLiftedData(ModerationPayload):
    params: NoParams


class ParticipantMutedData(ModerationPayload):
    params: MuteParams


class ParticipantUnmutedData(ModerationPayload):
    params: UnmuteParams


class ParticipantRoleChangedData(ModerationPayload):
    params: RoleChangeParams


class RoomOwnerChangedData(ModerationPayload):
    params: OwnerChangeParams


class RoomLockedData(Payload):
    actor: Actor
    target: None
    reason: str
    params: NoParams


class RoomUnlockedData(RoomLockedData):
    pass


RoomControl = Literal["audio", "video", "screen_share", "data"]
ControlUntil = Annotated[
    Timestamp | None, msgspec.Meta(description="when the control ends by itself; null: until switched off")
]


class RoomControlsState(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A room's four controls (what members and audience may not do), as ``GET …/controls`` shows them."""

    audio_disabled: bool
    audio_disabled_until: ControlUntil
    video_disabled: bool
    video_disabled_until: ControlUntil
    screen_share_disabled: bool
    screen_share_disabled_until: ControlUntil
    data_disabled: bool
    data_disabled_until: ControlUntil


class ControlsChangeParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    changed: Annotated[
        list[RoomControl], msgspec.Meta(description="the controls this change switched on, off or re-timed")
    ]
    controls: RoomControlsState
    applied_live: Annotated[
        int, msgspec.Meta(ge=0, description="connected participants whose permissions were pushed")
    ]


class RoomControlsChangedData(Payload):
    actor: Actor
    target: None
    reason: Annotated[str, msgspec.Meta(description="the reason given; `controls expired` at expiry")]
    params: ControlsChangeParams


class SeatTakenData(ModerationPayload):
    params: SeatChangeParams


class SeatLeftData(ModerationPayload):
    params: SeatChangeParams


class SeatKickedData(ModerationPayload):
    params: SeatChangeParams


class SeatVacatedData(ModerationPayload):
    params: SeatParams


class SeatLockedData(Payload):
    actor: Actor
    target: None
    reason: str
    params: SeatParams


class SeatUnlockedData(SeatLockedData):
    pass


class SeatRequestCreatedData(ModerationPayload):
    params: SeatRequestCreatedParams


class SeatRequestApprovedData(ModerationPayload):
    params: SeatRequestApprovedParams


class SeatRequestRejectedData(ModerationPayload):
    params: SeatRequestParams


class SeatRequestCancelledData(ModerationPayload):
    params: SeatRequestParams


class SeatMicLockedData(Payload):
    actor: Actor
    target: Annotated[str | None, msgspec.Meta(description="the seat's occupant, or null (an empty seat)")]
    reason: str
    params: SeatMediaLockParams


class SeatMicUnlockedData(SeatMicLockedData):
    pass


class SeatCameraLockedData(SeatMicLockedData):
    pass


class SeatCameraUnlockedData(SeatMicLockedData):
    pass


class SeatMovedData(ModerationPayload):
    params: SeatMoveParams


class SeatSwappedData(ModerationPayload):
    params: SeatSwapParams


class SeatRequestInvitedData(ModerationPayload):
    params: SeatInvitedParams


class SeatRequestAcceptedData(ModerationPayload):
    params: SeatRequestApprovedParams


class SeatRequestDeclinedData(ModerationPayload):
    params: SeatRequestParams


class SeatRequestExpiredData(ModerationPayload):
    params: SeatRequestParams


# --- waiting room (lobby): the audit entry's shape, like seat requests ----------------------------------


class JoinRequestCreatedParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    request_id: str
    name: Annotated[str, msgspec.Meta(description="the display name the join asked for")]
    expires_at: Annotated[str, msgspec.Meta(description="RFC 3339: when the request expires unanswered")]


class JoinRequestParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    request_id: str


class JoinRequestCreatedData(ModerationPayload):
    """An identity knocked: ``actor`` and ``target`` are the identity."""

    params: JoinRequestCreatedParams


class JoinRequestAdmittedData(ModerationPayload):
    params: JoinRequestParams


class JoinRequestDeniedData(ModerationPayload):
    params: JoinRequestParams


class JoinRequestExpiredData(ModerationPayload):
    """Nobody answered in time (``ROOMSVC_JOIN_REQUEST_TTL``); ``actor`` is null."""

    params: JoinRequestParams


# --- detection -------------------------------------------------------------------------------------------


class DetectionModelRef(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: int
    name: str
    version: str


class DetectionModels(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    audio: DetectionModelRef | None
    video: DetectionModelRef | None


class DetectionModelReasons(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Why a kind is not analysed (``""`` when it is)."""

    audio: str
    video: str


class DetectionStartedData(Payload):
    room_sid: str
    job_id: str
    agent_identity: str
    models: DetectionModels
    model_status: DetectionModelReasons


class DetectionStateChangedData(Payload):
    identity: str
    participant_sid: str
    track_sid: str
    kind: DetectionKind
    from_: DetectionState = msgspec.field(name="from")
    to: DetectionState
    score: float
    smoothed_score: float
    model: DetectionModelRef


class DetectionAlertData(Payload):
    type: Literal["detection.alert"]
    room: str
    room_sid: str
    identity: str
    participant_sid: str
    track_sid: str
    kind: DetectionKind
    score: float
    smoothed_score: float
    state: Literal["alert"]
    window_start: Timestamp
    window_end: Timestamp
    model: DetectionModelRef
    policy: Literal["notify", "mute", "kick"]
    action: Annotated[
        str, msgspec.Meta(description="`notified`, `muted`, `kicked`, or `refused: <why>` / `failed: <why>`")
    ]
    occurred_at: Timestamp
    notified: list[str]


# --- recordings ------------------------------------------------------------------------------------------

RecordingKind = Literal["room_audio", "tracks"]


class RecordingPayload(Payload):
    recording_id: str
    kind: RecordingKind
    backend: Literal["agent", "egress"]
    room_sid: str | None
    auto: Annotated[bool, msgspec.Meta(description="started by the room's `auto_record`")]


class RecordingStartedData(RecordingPayload):
    started_at: Timestamp


class RecordingStoppedData(RecordingPayload):
    reason: Annotated[
        str,
        msgspec.Meta(
            description="`requested` (POST …/stop), `room_ended`, `finished` (the recorder ended it),"
            " `failed`, or `stale` (the recorder stopped reporting)"
        ),
    ]
    stopped_at: Timestamp


class RecordingFileData(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: str
    kind: Literal["audio", "video", "mix"]
    identity: str | None
    track_sid: str | None
    key: str
    size: int
    sha256: str | None
    duration_s: float | None
    location: str | None
    partial: bool


class RecordingReadyData(RecordingPayload):
    duration_s: Annotated[float | None, msgspec.Meta(description="the longest file's duration")]
    size: Annotated[int, msgspec.Meta(description="bytes, all files together")]
    sha256: Annotated[str | None, msgspec.Meta(description="of the file, when there is exactly one")]
    location: Annotated[
        str, msgspec.Meta(description="the file's storage location, or the recording's prefix for several")
    ]
    partial: Annotated[bool, msgspec.Meta(description="cut short (recorder lost): playable up to the cut")]
    files: list[RecordingFileData]


class RecordingFailedData(RecordingPayload):
    reason: str


# --- agents ----------------------------------------------------------------------------------------------


class AgentPayload(Payload):
    dispatch_id: Annotated[str, msgspec.Meta(description="roomsvc's id of the dispatch (`adp_…`)")]
    agent_name: str


class AgentDispatchedData(AgentPayload):
    livekit_dispatch_id: Annotated[str, msgspec.Meta(description="LiveKit's id of this dispatch")]
    redispatch: Annotated[
        bool,
        msgspec.Meta(description="dispatched again because its agent was gone when a human joined"),
    ]


class AgentRemovedData(AgentPayload):
    reason: Annotated[str, msgspec.Meta(description="`requested` (DELETE …/agents/{id})")]


PAYLOADS: dict[EventType, type[Payload]] = {
    EventType.ROOM_CREATED: RoomCreatedData,
    EventType.ROOM_UPDATED: RoomUpdatedData,
    EventType.ROOM_STARTED: RoomStartedData,
    EventType.ROOM_ENDED: RoomEndedData,
    EventType.ROOM_OWNER_CHANGED: RoomOwnerChangedData,
    EventType.ROOM_LOCKED: RoomLockedData,
    EventType.ROOM_UNLOCKED: RoomUnlockedData,
    EventType.ROOM_CONTROLS_CHANGED: RoomControlsChangedData,
    EventType.PARTICIPANT_JOINED: ParticipantJoinedData,
    EventType.PARTICIPANT_LEFT: ParticipantLeftData,
    EventType.PARTICIPANT_KICKED: ParticipantKickedData,
    EventType.PARTICIPANT_BAN_LIFTED: ParticipantBanLiftedData,
    EventType.PARTICIPANT_MUTED: ParticipantMutedData,
    EventType.PARTICIPANT_UNMUTED: ParticipantUnmutedData,
    EventType.PARTICIPANT_ROLE_CHANGED: ParticipantRoleChangedData,
    EventType.TRACK_PUBLISHED: TrackPublishedData,
    EventType.TRACK_UNPUBLISHED: TrackUnpublishedData,
    EventType.SEAT_TAKEN: SeatTakenData,
    EventType.SEAT_LEFT: SeatLeftData,
    EventType.SEAT_KICKED: SeatKickedData,
    EventType.SEAT_LOCKED: SeatLockedData,
    EventType.SEAT_UNLOCKED: SeatUnlockedData,
    EventType.SEAT_VACATED: SeatVacatedData,
    EventType.SEAT_REQUEST_CREATED: SeatRequestCreatedData,
    EventType.SEAT_REQUEST_APPROVED: SeatRequestApprovedData,
    EventType.SEAT_REQUEST_REJECTED: SeatRequestRejectedData,
    EventType.SEAT_REQUEST_CANCELLED: SeatRequestCancelledData,
    EventType.JOIN_REQUEST_CREATED: JoinRequestCreatedData,
    EventType.JOIN_REQUEST_ADMITTED: JoinRequestAdmittedData,
    EventType.JOIN_REQUEST_DENIED: JoinRequestDeniedData,
    EventType.JOIN_REQUEST_EXPIRED: JoinRequestExpiredData,
    EventType.SEAT_MIC_LOCKED: SeatMicLockedData,
    EventType.SEAT_MIC_UNLOCKED: SeatMicUnlockedData,
    EventType.SEAT_CAMERA_LOCKED: SeatCameraLockedData,
    EventType.SEAT_CAMERA_UNLOCKED: SeatCameraUnlockedData,
    EventType.SEAT_MOVED: SeatMovedData,
    EventType.SEAT_SWAPPED: SeatSwappedData,
    EventType.SEAT_REQUEST_INVITED: SeatRequestInvitedData,
    EventType.SEAT_REQUEST_ACCEPTED: SeatRequestAcceptedData,
    EventType.SEAT_REQUEST_DECLINED: SeatRequestDeclinedData,
    EventType.SEAT_REQUEST_EXPIRED: SeatRequestExpiredData,
    EventType.EGRESS_UPDATED: EgressUpdatedData,
    EventType.INGRESS_UPDATED: IngressUpdatedData,
    EventType.DETECTION_STARTED: DetectionStartedData,
    EventType.DETECTION_STATE_CHANGED: DetectionStateChangedData,
    EventType.DETECTION_ALERT: DetectionAlertData,
    EventType.RECORDING_STARTED: RecordingStartedData,
    EventType.RECORDING_STOPPED: RecordingStoppedData,
    EventType.RECORDING_READY: RecordingReadyData,
    EventType.RECORDING_FAILED: RecordingFailedData,
    EventType.AGENT_DISPATCHED: AgentDispatchedData,
    EventType.AGENT_REMOVED: AgentRemovedData,
}


def component_name(event_type: str) -> str:
    """The OpenAPI component of a type's ``data``: ``seat_request.created`` → ``SeatRequestCreatedData``."""
    return "".join(part.capitalize() for part in re.split(r"[._]", event_type)) + "Data"


class PayloadMismatch(Exception):
    """An emitter's ``data`` differs from its type's struct in :data:`PAYLOADS` (a bug in roomsvc)."""

    def __init__(self, event_type: EventType, error: str) -> None:
        super().__init__(f"{event_type} data does not match {PAYLOADS[event_type].__name__}: {error}")
        self.event_type = event_type
        self.error = error


_decoders = {event_type: msgspec.json.Decoder(struct) for event_type, struct in PAYLOADS.items()}


def check(event_type: EventType, encoded: bytes) -> None:
    """Raise :class:`PayloadMismatch` unless ``encoded`` (the JSON ``data`` as stored) fits its struct."""
    try:
        _decoders[event_type].decode(encoded)
    except msgspec.ValidationError as exc:
        raise PayloadMismatch(event_type, str(exc)) from None
