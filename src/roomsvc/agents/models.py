"""Agent tables: the registry of agent names, and one row per dispatch of an agent into a room.

LiveKit agent names are global to the LiveKit server (a worker registers under a name with the server's
API key, and ``CreateDispatch`` names it), so ``agents.name`` is unique across projects: the project that
registered a name is the only one that may dispatch it through roomsvc.

``agent_dispatches.active`` is 1 while a dispatch is ``active`` and NULL once ``removed``: the unique key
``(room_id, agent_name, active)`` lets the database hold "at most one active dispatch of an agent per
room" whatever races the API sees (NULLs never collide), like ``recordings.active``. ``owner`` is ``api``
for a caller's dispatch and ``detection`` for the detector that ``…/detection`` manages.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

DISPATCH_STATES = ("active", "removed")
OWNERS = ("api", "detection")


class Agent(IdMixin, Base):
    __tablename__ = "agents"
    __table_args__ = (Index("ix_agents_project_id_id", "project_id", "id"),)

    name: Mapped[str] = mapped_column(exact(64), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    description: Mapped[str] = mapped_column(String(256), default="")
    created_by: Mapped[str] = mapped_column(String(64))  # the caller credential
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AgentDispatch(IdMixin, Base):
    __tablename__ = "agent_dispatches"
    __table_args__ = (
        CheckConstraint("state IN ('active','removed')", name="state"),
        CheckConstraint("owner IN ('api','detection')", name="owner"),
        UniqueConstraint("room_id", "agent_name", "active"),
        Index("ix_agent_dispatches_room_id_id", "room_id", "id"),
        Index("ix_agent_dispatches_redispatch_at", "redispatch_at"),
    )

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    agent_name: Mapped[str] = mapped_column(exact(64))
    # The caller's metadata as given (the agent receives it inside roomsvc's envelope: service.envelope).
    dispatch_metadata: Mapped[str] = mapped_column("metadata", Text, default="")
    owner: Mapped[str] = mapped_column(String(16), default="api")
    state: Mapped[str] = mapped_column(String(16), default="active")
    active: Mapped[bool | None] = mapped_column(Boolean, default=True)
    # LiveKit's id of the current dispatch (a re-dispatch replaces it); NULL until CreateDispatch answered.
    livekit_dispatch_id: Mapped[str | None] = mapped_column(exact(64), default=None)
    # The LiveKit room session (sid) the agent was last dispatched into.
    room_sid: Mapped[str | None] = mapped_column(exact(64), default=None)
    dispatch_count: Mapped[int] = mapped_column(Integer, default=0)
    # When `roomsvc jobs` must check that the agent is still there (a human joined) or dispatch it (the
    # API died between its commit and CreateDispatch); NULL when nothing is due.
    redispatch_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    remove_reason: Mapped[str | None] = mapped_column(String(64), default=None)
    removed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
