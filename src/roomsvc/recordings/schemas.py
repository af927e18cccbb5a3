"""Recording I/O: the API's request and response bodies, and the recorder protocol's messages.

The recorder agent shares this module with the API (it imports nothing but msgspec), as the detector
shares ``detection/schemas.py``: :class:`RecorderJob` is the dispatch metadata it is started with, the
``Recorder*`` and ``File*`` structs are the bodies of its reports (docs/recording.md#recorder-protocol).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Identity

Kind = Literal["room_audio", "tracks"]
State = Literal["starting", "recording", "stopping", "ready", "partial", "failed"]
Backend = Literal["agent", "egress"]
FileKind = Literal["audio", "video", "mix"]
FileState = Literal["writing", "ready", "partial", "failed"]

MAX_FILTERS = 64
TrackSid = Annotated[
    str,
    msgspec.Meta(pattern=r"^TR_[A-Za-z0-9]{1,60}$", description="a LiveKit track sid", examples=["TR_AMkQ3"]),
]
StorageKey = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=512,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._=-]*(/[A-Za-z0-9][A-Za-z0-9._=-]*)*$",
        description="the recording's `key_prefix`, `/`, then `/`-separated segments of letters, digits and"
        " `._=-` (no `..`, not ending in `.part`)",
        examples=["default/rec_4c1f/room.ogg"],
    ),
]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the whole file")]
KeyPrefix = Annotated[
    str,
    msgspec.Meta(
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._=-]*(/[A-Za-z0-9][A-Za-z0-9._=-]*)*$",
        description="`/`-separated segments of letters, digits and `._=-`, each starting with a letter or"
        " digit",
        examples=["meetings/2026"],
    ),
]


MAX_DURATION_S = 31 * 86_400


class StorageTarget(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Where in the configured storage the files go: keys are ``<project>/<prefix>/<recording id>/…``."""

    prefix: KeyPrefix | None = None


class RecordingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: Annotated[
        Kind,
        msgspec.Meta(
            description="`room_audio`: every audio track mixed into one Ogg/Opus file; `tracks`: one file per"
            " track (audio Ogg/Opus, video WebM)"
        ),
    ]
    identities: Annotated[
        list[Identity],
        msgspec.Meta(max_length=MAX_FILTERS, description="record only these participants (empty: everyone)"),
    ] = []
    track_sids: Annotated[
        list[TrackSid],
        msgspec.Meta(max_length=MAX_FILTERS, description="record only these tracks (empty: every track)"),
    ] = []
    storage: StorageTarget | None = None
    actor: Annotated[Identity, msgspec.Meta(description="who asked for it, for the record")] | None = None


class RecordingFileOut(msgspec.Struct):
    id: str
    kind: FileKind
    identity: str | None
    track_sid: str | None
    key: str
    content_type: str
    state: FileState
    size: int
    sha256: str | None
    duration_s: float | None
    location: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class RecordingOut(msgspec.Struct):
    id: str
    room: str
    room_sid: str | None
    kind: Kind
    identities: list[str]
    track_sids: list[str]
    backend: Backend
    storage: str
    key_prefix: str
    state: State
    auto: bool
    failure_reason: str | None
    stop_reason: str | None
    dispatch_id: str | None
    egress_id: str | None
    requested_by: str
    actor: str | None
    bytes_written: int
    size: int
    duration_s: float | None
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    ended_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    files: list[RecordingFileOut]


class RecordingPage(msgspec.Struct):
    items: list[RecordingOut]
    next_cursor: str | None


# --- the recorder protocol ------------------------------------------------------------------------------


class RecorderJob(msgspec.Struct, kw_only=True):
    """The dispatch's metadata (JSON): what the recorder agent records and where it writes."""

    recording_id: str
    project: str
    room: str
    kind: Kind
    identities: list[str] = []
    track_sids: list[str] = []
    key_prefix: str


class RecorderStarted(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    agent_identity: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    room_sid: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class FileOpened(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: StorageKey
    kind: FileKind
    content_type: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    identity: Identity | None = None
    track_sid: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class FileProgress(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: StorageKey
    size: Annotated[int, msgspec.Meta(ge=0)]


class RecorderHeartbeat(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    files: Annotated[list[FileProgress], msgspec.Meta(max_length=1024)] = []


class FileFinished(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: StorageKey
    size: Annotated[int, msgspec.Meta(ge=0)]
    sha256: Sha256
    # At most 31 days: MariaDB's FLOAT holds ~3.4e38, and no recording lasts longer than a month.
    duration_s: Annotated[float, msgspec.Meta(ge=0, le=MAX_DURATION_S)] | None = None
    partial: bool = False
    location: Annotated[str, msgspec.Meta(max_length=1024)] | None = None


class RecorderFinished(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class RecorderFailed(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
