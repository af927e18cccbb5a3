from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

# `creating` is internal: the row is written before LiveKit's CreateRoom and is never shown to callers.
ROOM_STATUSES = ("creating", "created", "active", "ended")
# The room-wide controls, each a `<control>_disabled` switch with its `<control>_disabled_until`.
ROOM_CONTROLS = ("audio", "video", "screen_share", "data")


class Room(IdMixin, Base):
    __tablename__ = "rooms"
    __table_args__ = (
        CheckConstraint("status IN ('creating','created','active','ended')", name="status"),
        CheckConstraint("call_type IN ('audio','video')", name="call_type"),
        CheckConstraint("seat_mode IN ('free','apply')", name="seat_mode"),
        Index("ix_rooms_status_id", "status", "id"),
        Index("ix_rooms_creator_id", "creator", "id"),
        Index("ix_rooms_source_channel_id_id", "source_channel_id", "id"),
        Index("ix_rooms_created_at", "created_at"),
        Index("ix_rooms_project_id_id", "project_id", "id"),
        Index("ix_rooms_controls_expire_at", "controls_expire_at"),
        Index("ix_rooms_ends_at", "ends_at"),
        UniqueConstraint("project_id", "name"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    # The API's name, unique in its project; LiveKit knows the room as `livekit_name`
    # (types.livekit_room_name: `<project>~<name>`).
    name: Mapped[str] = mapped_column(exact(128))
    livekit_name: Mapped[str] = mapped_column(exact(192), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="creating")
    source_channel_id: Mapped[str | None] = mapped_column(String(128), default=None)
    source_channel_type: Mapped[str | None] = mapped_column(String(32), default=None)
    creator: Mapped[str] = mapped_column(exact(128))
    owner: Mapped[str] = mapped_column(exact(128))
    call_type: Mapped[str] = mapped_column(String(8), default="video")
    invite_on: Mapped[bool] = mapped_column(Boolean, default=False)
    # A waiting room: a join by an identity not yet admitted is a join request (docs/api.md, "Waiting room").
    lobby: Mapped[bool] = mapped_column(Boolean, default=False)
    # The owner-only opt-in to a join token with LiveKit's roomAdmin (docs/api.md, "The token model").
    client_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # `off`, `room_audio` or `tracks`: a recording of that kind starts when the first participant joins.
    auto_record: Mapped[str] = mapped_column(String(16), default="off")
    max_participants: Mapped[int] = mapped_column(Integer, default=0)
    empty_timeout: Mapped[int] = mapped_column(Integer, default=300)
    departure_timeout: Mapped[int] = mapped_column(Integer, default=20)
    room_metadata: Mapped[str] = mapped_column("metadata", Text, default="")
    seats: Mapped[int] = mapped_column(Integer, default=0)
    seat_mode: Mapped[str] = mapped_column(String(8), default="apply")
    spec_hash: Mapped[str] = mapped_column(String(64))
    livekit_sid: Mapped[str | None] = mapped_column(exact(64), default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    end_reason: Mapped[str | None] = mapped_column(String(256), default=None)
    # Room-wide controls (moderation/controls.py): what members and audience may not publish, each until
    # its `…_until` (null: until switched back on); `controls_expire_at` is the earliest of those.
    audio_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    audio_disabled_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    video_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    video_disabled_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    screen_share_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    screen_share_disabled_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    data_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    data_disabled_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    controls_expire_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Schedule (docs/api.md, "Scheduled and lockable rooms"): with `opens_at` or `closes_at` the room is
    # scheduled: its LiveKit room is created on the first join inside the window, and it outlives LiveKit's
    # sessions until `closes_at`. `session_started_at`: when roomsvc created the current LiveKit room.
    # `ends_at` is the deadline (the earliest of `closes_at` and `session_started_at` + `max_duration`),
    # which the `room-closer` job enforces; `closing_notice_at` is when the `room.closing` notice went out
    # for it. `locked_at`: closed to new joins.
    opens_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closes_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    max_duration: Mapped[int | None] = mapped_column(Integer, default=None)
    session_started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ends_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closing_notice_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    locked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def is_open(self) -> bool:
        return self.status in ("created", "active")

    @property
    def has_stage(self) -> bool:
        return self.seats > 0

    def active_controls(self, now: dt.datetime | None = None) -> frozenset[str]:
        """The controls in force: switched on and not past their `…_until` (a timed control counts as
        off from its end, even before the `room-controls-expiry` job has switched it off)."""
        return _active_controls(self, now)

    @property
    def scheduled(self) -> bool:
        """A window was set: the first join opens LiveKit's room, and a session's end is not the room's."""
        return self.opens_at is not None or self.closes_at is not None

    @property
    def public_status(self) -> str:
        """``status`` as callers see it: an open room closed to new joins is ``locked``."""
        return "locked" if self.locked_at is not None and self.is_open else self.status


def _active_controls(room: Room | JoinRoom, now: dt.datetime | None) -> frozenset[str]:
    now = now or utcnow()
    active = set()
    for control in ROOM_CONTROLS:
        until: dt.datetime | None = getattr(room, f"{control}_disabled_until")
        if getattr(room, f"{control}_disabled") and (until is None or until > now):
            active.add(control)
    return frozenset(active)


@dataclass(frozen=True, slots=True)
class JoinRoom:
    """The columns of a room that a join reads (``moderation.permissions.join_context``), as plain values.

    The join hot path reads these as a Core row instead of loading the ≈ 50-column ``Room`` entity; the
    rare paths that change the room or need the entity (a lobby knock, a scheduled room's first join)
    load the ``Room`` by ``id``. Same names and meaning as :class:`Room`'s attributes.
    """

    id: int
    name: str
    livekit_name: str
    status: str
    owner: str
    call_type: str
    invite_on: bool
    lobby: bool
    client_admin: bool
    max_participants: int
    seats: int
    livekit_sid: str | None
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    ends_at: dt.datetime | None
    locked_at: dt.datetime | None
    audio_disabled: bool
    audio_disabled_until: dt.datetime | None
    video_disabled: bool
    video_disabled_until: dt.datetime | None
    screen_share_disabled: bool
    screen_share_disabled_until: dt.datetime | None
    data_disabled: bool
    data_disabled_until: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.status in ("created", "active")

    @property
    def has_stage(self) -> bool:
        return self.seats > 0

    @property
    def scheduled(self) -> bool:
        return self.opens_at is not None or self.closes_at is not None

    def active_controls(self, now: dt.datetime | None = None) -> frozenset[str]:
        """As :meth:`Room.active_controls`."""
        return _active_controls(self, now)


# JoinRoom's fields, in order: the columns of ``rooms`` the join's read selects.
JOIN_ROOM_COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(JoinRoom))
