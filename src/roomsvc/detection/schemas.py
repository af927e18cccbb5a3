"""Request and response bodies of the detection API (public, and the worker's own endpoints).

A leaf shared with the agent process (:mod:`roomsvc.agent`): msgspec and :mod:`roomsvc.types` only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.rooms.schemas import Policy
from roomsvc.types import Identity

Kind = Literal["audio", "video"]
State = Literal["clear", "suspicious", "alert"]
RunStatus = Literal["dispatched", "running", "stopped"]
Probability = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Sid = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$", description="lower-case hex")]
ModelName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
ModelVersion = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._-]{1,32}$")]


# --- model registry -----------------------------------------------------------------------------------


class Thresholds(msgspec.Struct, forbid_unknown_fields=True):
    """Score thresholds; ``suspicious`` must not exceed ``alert`` (400 naming ``thresholds``)."""

    suspicious: Probability
    alert: Probability


class AlertingSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """Track-level alerting (a model card's ``alerting``; docs/detection.md). Fields left out keep the
    worker's settings (``ROOMSVC_DETECTION_SMOOTHING``, ``ROOMSVC_DETECTION_HYSTERESIS``)."""

    smoothing: Literal["mean", "ema"] = "mean"
    mean_windows: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    ema_alpha: Annotated[float, msgspec.Meta(gt=0.0, le=1.0)] | None = None
    min_consecutive: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    margin: Probability | None = None
    clear_below: Probability | None = None


class ModelCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A model to register: ``window_samples`` is for audio models only, ``input_size`` for video only."""

    name: ModelName
    version: ModelVersion
    kind: Kind
    sha256: Sha256
    uri: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=512,
            description="absolute path of the ONNX file on the worker hosts, or builtin:<file>",
            # checked by the registry (400 `bad-request` naming `uri`), stated here for clients
            extra_json_schema={"pattern": r"^(builtin:[^/.][^/]*|/.*)$"},
        ),
    ]
    thresholds: Thresholds
    window_samples: Annotated[int, msgspec.Meta(ge=1600, le=960_000)] | None = None
    input_size: Annotated[int, msgspec.Meta(ge=32, le=1024)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=2048)] = ""
    active: bool = False
    alerting: AlertingSpec | None = None


class ModelUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Changing ``thresholds`` or ``alerting`` voids a validation measured with the old values (the gate
    then refuses automatic actions until the model is evaluated again)."""

    active: bool | msgspec.UnsetType = msgspec.UNSET
    thresholds: Thresholds | msgspec.UnsetType = msgspec.UNSET
    description: Annotated[str, msgspec.Meta(max_length=2048)] | msgspec.UnsetType = msgspec.UNSET
    alerting: AlertingSpec | msgspec.UnsetType | None = msgspec.UNSET


class ModelIdentity(msgspec.Struct):
    """Which model file: the fields every description of a registered model starts with."""

    id: int
    name: str
    version: str
    kind: Kind
    sha256: str
    uri: str


class ModelValidation(msgspec.Struct):
    """Rates the model's card declares on held-out data (shipped models only; rates are 0-1)."""

    eer: float | None
    false_alarm_rate_at_suspicious: float | None
    detection_rate_at_suspicious: float | None
    false_alarm_rate_at_alert: float | None
    detection_rate_at_alert: float | None
    genuine_windows: int | None
    synthetic_windows: int | None
    note: str


class RateWithCI(msgspec.Struct):
    rate: float | None
    ci95: list[float] | None


class DeployedValidationOut(msgspec.Struct, kw_only=True):
    """Rates measured through the deployment path (Opus round trip, 16 kHz int16, the worker's VAD gating
    and alerting) on held-out genuine speakers, as the safety gate reads them (docs/detection.md)."""

    thresholds: Thresholds | None
    window_false_alarm_at_alert: RateWithCI
    window_false_alarm_at_suspicious: RateWithCI
    detection_rate_at_alert: float | None
    detection_rate_at_suspicious: float | None
    eer: float | None
    eer_ci95: list[float] | None
    genuine_windows: int | None
    synthetic_windows: int | None
    genuine_speakers: int | None
    synthetic_voices: int | None
    track_false_alerts_per_hour: RateWithCI
    genuine_speech_hours: float | None
    alert_latency_median_seconds: float | None
    opus_bitrates: list[int]
    data: Annotated[str, msgspec.Meta(description="what it was measured on")]
    files: int | None
    listing_sha256: str | None
    validated_by: str
    validated_at: str
    method: str


class ActionGate(msgspec.Struct):
    """Whether this model may drive automatic ``mute``/``kick`` (``notify`` always works)."""

    actions_allowed: bool
    reason: Annotated[str, msgspec.Meta(description="why not; empty when allowed")]
    max_false_alarm: Annotated[float, msgspec.Meta(description="ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM")]


class ModelOut(ModelIdentity):
    thresholds: Thresholds
    sample_rate: int | None
    window_samples: int | None
    input_size: int | None
    builtin: bool
    active: bool
    description: str
    created_by: str
    created_at: dt.datetime
    validation: Annotated[
        ModelValidation | None,
        msgspec.Meta(description="what the shipped model's card declares from training; null: nothing"),
    ] = None
    deployed_validation: Annotated[
        DeployedValidationOut | None,
        msgspec.Meta(description="rates validated through the deployment path; null: never validated"),
    ] = None
    alerting: AlertingSpec | None = None
    gate: ActionGate | None = None


class ModelList(msgspec.Struct):
    items: list[ModelOut]


class ModelRef(msgspec.Struct):
    id: int
    name: str
    version: str


# --- room detection (status) ---------------------------------------------------------------------------


class TrackStatus(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    track_sid: Sid
    identity: Identity
    participant_sid: Sid
    kind: Kind
    source: Annotated[str, msgspec.Meta(max_length=32)] = ""
    state: State = "clear"
    windows: Annotated[int, msgspec.Meta(ge=0)] = 0
    skipped: Annotated[int, msgspec.Meta(ge=0)] = 0
    dropped: Annotated[int, msgspec.Meta(ge=0)] = 0


class ModelStatus(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    audio: Annotated[str, msgspec.Meta(max_length=256)] = ""
    video: Annotated[str, msgspec.Meta(max_length=256)] = ""


class WorkerModels(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    audio: ModelRef | None = None
    video: ModelRef | None = None


class DetectionStatus(msgspec.Struct):
    room: str
    enabled: bool
    status: RunStatus
    policy: Policy
    mute_seconds: int | None
    ban_seconds: int | None
    agent_name: str
    agent_identity: str | None
    job_id: str | None
    dispatch_id: str | None
    dispatched_at: dt.datetime | None
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    last_heartbeat_at: dt.datetime | None
    tracks: list[TrackStatus]
    models: WorkerModels
    active_models: WorkerModels
    model_status: ModelStatus
    dropped: int


# --- worker endpoints ----------------------------------------------------------------------------------


class WorkerReport(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    job_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    agent_identity: Identity
    room_sid: Sid
    state: Literal["running", "ended"] = "running"
    tracks: Annotated[list[TrackStatus], msgspec.Meta(max_length=256)] = []
    models: WorkerModels = msgspec.field(default_factory=WorkerModels)
    model_status: ModelStatus = msgspec.field(default_factory=ModelStatus)
    dropped: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] = 0  # a signed INT column


class WorkerModel(ModelIdentity):
    suspicious_threshold: float
    alert_threshold: float
    sample_rate: int | None
    window_samples: int | None
    input_size: int | None
    alerting: AlertingSpec | None = None


class WorkerConfig(msgspec.Struct):
    room: str
    enabled: bool
    status: RunStatus
    policy: Policy
    audio_model: WorkerModel | None
    video_model: WorkerModel | None


# RFC 3339, with its offset: the time zone is checked on arrival (400 `bad-request`), stated here for clients.
WindowTime = Annotated[dt.datetime, msgspec.Meta(extra_json_schema={"format": "date-time"})]


class WindowIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """
    One scored window. Checked on arrival (400 naming ``windows[i]``): ``window_end`` must be after
    ``window_start`` (JSON Schema cannot compare two fields), both with a time zone offset; ``model_id``
    must be a registered model of this ``kind``; a ``track_sid`` belongs to the room that first reported it.
    """

    identity: Identity
    participant_sid: Sid
    track_sid: Sid
    kind: Kind
    window_start: WindowTime
    window_end: WindowTime
    score: Probability
    smoothed_score: Probability
    state: State
    model_id: Annotated[int, msgspec.Meta(ge=1)]


# The scored windows route's own body limit, instead of ROOMSVC_MAX_BODY_BYTES (64 KiB by default): 500
# windows with every field at its longest are about 270 kB of JSON, and even the worker's batches of 200
# windows can pass 64 KiB with long identities.
MAX_BATCH_BYTES = 1024 * 1024
MAX_BATCH_WINDOWS = 500


class WindowBatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    job_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    room_sid: Sid
    windows: Annotated[
        list[WindowIn],
        msgspec.Meta(
            min_length=1,
            max_length=MAX_BATCH_WINDOWS,
            description=f"the whole body is at most {MAX_BATCH_BYTES} bytes (413), this route's own limit "
            "in place of ROOMSVC_MAX_BODY_BYTES: room for the most windows with every field at its longest",
            extra_json_schema={"x-max-body-bytes": MAX_BATCH_BYTES},
        ),
    ]


class AlertOut(msgspec.Struct):
    identity: str
    track_sid: str
    kind: Kind
    score: float
    policy: Policy
    action: str
    notified: list[str]


class IngestResult(msgspec.Struct):
    stored: int
    duplicates: int
    alerts: list[AlertOut]


# --- results -------------------------------------------------------------------------------------------


class DetectionOut(msgspec.Struct):
    id: int
    room: str
    call: str
    identity: str
    participant_sid: str
    track_sid: str
    kind: Kind
    window_start: dt.datetime
    window_end: dt.datetime
    score: float
    smoothed_score: float
    state: State
    model: ModelRef
    created_at: dt.datetime


class DetectionPage(msgspec.Struct):
    items: list[DetectionOut]
    next_cursor: str | None


class TrackSummary(msgspec.Struct):
    track_sid: str
    participant_sid: str
    kind: Kind
    state: State
    last_score: float
    max_score: float
    windows: int
    alerts: int
    model: ModelRef
    updated_at: dt.datetime


class ParticipantSummary(msgspec.Struct):
    identity: str
    state: State
    max_score: float
    windows: int
    alerts: int
    # At most TRACKS_PER_PARTICIPANT, the most recently updated; the figures above count every track.
    tracks: list[TrackSummary]
    tracks_truncated: bool = False


class DetectionSummary(msgspec.Struct):
    room: str
    participants: list[ParticipantSummary]
    # The next page of participants (ordered by when each was first scored); null on the last page.
    next_cursor: str | None = None
