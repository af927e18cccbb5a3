"""Detection tables: the model registry, each room's detection settings and run, per-track state, results.

(The domain's ORM file is named ``records.py`` rather than ``models.py`` because ``detection/models/``
is the directory that ships the ONNX model files.)

- ``detection_models``: every model version the worker may run (name, version, kind, sha256, where the
  file is, thresholds). At most one is active per kind, enforced by a unique ``active_kind`` column that
  holds the kind while the row is active and NULL otherwise.
- ``room_detection``: one row per room that ever had detection: its policy and the agent's run state.
- ``detection_tracks``: the current state of each analysed track (the hysteresis state machine's output
  as last reported), used for alert transitions and the per-participant summary.
- ``detections``: every scored window, with the model version that produced it. A window is keyed by
  (track, model, start), so a worker retrying a request never stores one twice.
- ``detection_gate_overrides``: the safety gate's per-project operator override, append-only: every
  grant and revocation with who, when and why; a project's latest row is its current state.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

KINDS = ("audio", "video")
STATES = ("clear", "suspicious", "alert")
POLICIES = ("notify", "mute", "kick")
RUN_STATUSES = ("dispatched", "running", "stopped")


class DetectionModel(IdMixin, Base):
    __tablename__ = "detection_models"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        UniqueConstraint("active_kind"),
        CheckConstraint("kind IN ('audio','video')", name="kind"),
    )

    name: Mapped[str] = mapped_column(exact(64))
    version: Mapped[str] = mapped_column(exact(32))
    kind: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    uri: Mapped[str] = mapped_column(String(512))
    suspicious_threshold: Mapped[float] = mapped_column(Float)
    alert_threshold: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int | None] = mapped_column(Integer, default=None)
    window_samples: Mapped[int | None] = mapped_column(Integer, default=None)
    input_size: Mapped[int | None] = mapped_column(Integer, default=None)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    active_kind: Mapped[str | None] = mapped_column(String(8), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    # JSON: the card's ``validation`` section as `roomsvc detection evaluate --write-card` recorded it (who,
    # on what data, when, the rates); NULL: the shipped card's, if any (registry.deployed_validation_of).
    validation: Mapped[str | None] = mapped_column(Text, default=None)
    # JSON: the track-level ``alerting`` section (registry.Alerting); NULL: the shipped card's, or defaults.
    alerting: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def active(self) -> bool:
        return self.active_kind is not None

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


class RoomDetection(IdMixin, Base):
    __tablename__ = "room_detection"
    __table_args__ = (
        UniqueConstraint("room_id"),
        CheckConstraint("policy IN ('notify','mute','kick')", name="policy"),
        CheckConstraint("status IN ('dispatched','running','stopped')", name="status"),
        Index("ix_room_detection_redispatch_at", "redispatch_at"),
    )

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    policy: Mapped[str] = mapped_column(String(8), default="notify")
    mute_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    ban_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(16), default="dispatched")
    dispatch_id: Mapped[str | None] = mapped_column(exact(64), default=None)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Set when a human joined and our agent may be gone; `roomsvc jobs` checks LiveKit and re-dispatches.
    redispatch_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    job_id: Mapped[str | None] = mapped_column(exact(64), default=None)
    agent_identity: Mapped[str | None] = mapped_column(exact(128), default=None)
    report: Mapped[str] = mapped_column(Text, default="{}")
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DetectionTrack(IdMixin, Base):
    __tablename__ = "detection_tracks"
    __table_args__ = (
        UniqueConstraint("track_sid"),
        CheckConstraint("state IN ('clear','suspicious','alert')", name="state"),
        Index("ix_detection_tracks_room_id_identity", "room_id", "identity"),
    )

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    room_sid: Mapped[str] = mapped_column(exact(64))
    identity: Mapped[str] = mapped_column(exact(128))
    participant_sid: Mapped[str] = mapped_column(exact(64))
    track_sid: Mapped[str] = mapped_column(exact(64))
    kind: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default="clear")
    last_score: Mapped[float] = mapped_column(Float, default=0.0)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    windows: Mapped[int] = mapped_column(Integer, default=0)
    model_id: Mapped[int] = mapped_column(ForeignKey("detection_models.id"))
    last_window_end: Mapped[dt.datetime | None] = mapped_column(default=None)
    alerts: Mapped[int] = mapped_column(Integer, default=0)
    alerted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Detection(IdMixin, Base):
    __tablename__ = "detections"
    __table_args__ = (
        UniqueConstraint("track_sid", "model_id", "window_start"),
        CheckConstraint("state IN ('clear','suspicious','alert')", name="state"),
        CheckConstraint("kind IN ('audio','video')", name="kind"),
        Index("ix_detections_room_id_id", "room_id", "id"),
        Index("ix_detections_identity_id", "identity", "id"),
        Index("ix_detections_state_id", "state", "id"),
        Index("ix_detections_window_start", "window_start"),
    )

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    room_name: Mapped[str] = mapped_column(exact(128))
    room_sid: Mapped[str] = mapped_column(exact(64))
    identity: Mapped[str] = mapped_column(exact(128))
    participant_sid: Mapped[str] = mapped_column(exact(64))
    track_sid: Mapped[str] = mapped_column(exact(64))
    kind: Mapped[str] = mapped_column(String(8))
    window_start: Mapped[dt.datetime]
    window_end: Mapped[dt.datetime]
    score: Mapped[float] = mapped_column(Float)
    smoothed_score: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))
    model_id: Mapped[int] = mapped_column(ForeignKey("detection_models.id"))
    model_name: Mapped[str] = mapped_column(exact(64))
    model_version: Mapped[str] = mapped_column(exact(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class GateOverride(IdMixin, Base):
    """One operator decision on a project's safety-gate override (``roomsvc detection
    allow-unvalidated-actions``): never updated or deleted, so the table is the override's audit log."""

    __tablename__ = "detection_gate_overrides"
    __table_args__ = (Index("ix_detection_gate_overrides_project_id_id", "project_id", "id"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(512))
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
