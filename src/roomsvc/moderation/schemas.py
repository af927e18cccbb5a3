from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Actor, Identity, Reason

Source = Literal["microphone", "camera", "screen_share", "screen_share_audio"]
MAX_MUTE_SECONDS = 365 * 86_400
Duration = (
    Annotated[str, msgspec.Meta(pattern=r"^(1h|24h|permanent)$", description="a named duration")]
    # the range is checked by mutes.parse_duration (400 `bad-request` naming `duration`)
    | Annotated[
        int,
        msgspec.Meta(description="seconds", extra_json_schema={"minimum": 1, "maximum": MAX_MUTE_SECONDS}),
    ]
)


class Kick(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    reason: Reason = ""
    ban_seconds: Annotated[
        int, msgspec.Meta(ge=0, le=365 * 86_400, description="ban length; ignored when `permanent` is true")
    ] = 600
    permanent: bool = False


class BanOut(msgspec.Struct):
    identity: str
    expires_at: dt.datetime | None
    permanent: bool
    reason: str
    actor: str | None
    created_at: dt.datetime


class BanList(msgspec.Struct):
    items: list[BanOut]


class LiftBan(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    reason: Reason = ""


class MuteRequest(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    sources: Annotated[list[Source], msgspec.Meta(min_length=1, max_length=4)] = msgspec.field(
        default_factory=lambda: ["microphone"]
    )
    duration: Duration = "1h"
    reason: Reason = ""


class UnmuteRequest(msgspec.Struct, forbid_unknown_fields=True):
    actor: Actor | None = None
    sources: Annotated[list[Source], msgspec.Meta(max_length=4)] | None = None
    reason: Reason = ""


class RoleChange(msgspec.Struct, forbid_unknown_fields=True):
    role: Literal["admin", "member", "audience"]
    actor: Actor | None = None


class OwnerTransfer(msgspec.Struct, forbid_unknown_fields=True):
    identity: Identity
    actor: Actor | None = None


class ControlsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Switch room-wide controls on (true) or off (false); a control left out keeps its state.

    ``duration`` or ``until`` (not both) time the controls this request switches on; without either they
    last until switched off. Switching a control on again re-times it.
    """

    actor: Actor | None = None
    audio_disabled: (
        Annotated[bool, msgspec.Meta(description="members and audience: no microphone")] | None
    ) = None
    video_disabled: Annotated[bool, msgspec.Meta(description="members and audience: no camera")] | None = None
    screen_share_disabled: (
        Annotated[bool, msgspec.Meta(description="members and audience: no screen share (nor its audio)")]
        | None
    ) = None
    data_disabled: (
        Annotated[bool, msgspec.Meta(description="members and audience: no data messages (chat)")] | None
    ) = None
    duration: (
        Annotated[
            int,
            msgspec.Meta(ge=1, le=MAX_MUTE_SECONDS, description="seconds the controls switched on here last"),
        ]
        | None
    ) = None
    until: (
        Annotated[
            dt.datetime,
            msgspec.Meta(tz=True, description="RFC 3339 with offset: when the controls switched on here end"),
        ]
        | None
    ) = None
    reason: Reason = ""


class MuteOut(msgspec.Struct):
    source: str
    expires_at: dt.datetime | None


class ModerationStatus(msgspec.Struct):
    identity: str
    role: str | None
    is_banned: bool
    ban_expires_at: dt.datetime | None
    is_muted: bool
    muted_sources: list[str]
    mute_expires_at: dt.datetime | None
    mutes: list[MuteOut]
    seat: int | None


class AuditOut(msgspec.Struct):
    action: str
    actor: str | None
    caller: str
    target: str | None
    params: dict[str, object]
    reason: str
    created_at: dt.datetime


class AuditPage(msgspec.Struct):
    items: list[AuditOut]
    next_cursor: str | None
