"""Agents I/O: the registry's and the dispatches' request and response bodies, and the envelope an agent
receives as its job metadata (:class:`DispatchEnvelope`, importable by an agent: it needs only msgspec)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Metadata

AGENT_NAME_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
AgentName = Annotated[
    str,
    msgspec.Meta(
        pattern=AGENT_NAME_PATTERN,
        description="the name the agent's worker registers with LiveKit (`agent_name`): letters, digits,"
        " `-` and `_`, at most 64",
        examples=["acme-translator"],
    ),
]
DispatchState = Literal["active", "removed"]
Owner = Literal["api", "detection"]
JobStatus = Literal["pending", "running", "success", "failed", "cancelled"]


class AgentCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: AgentName
    description: Annotated[str, msgspec.Meta(max_length=256)] = ""


class AgentOut(msgspec.Struct):
    name: str
    description: str
    created_by: str
    created_at: dt.datetime


class AgentList(msgspec.Struct):
    items: list[AgentOut]
    next_cursor: str | None = None


class DispatchCreate(msgspec.Struct, forbid_unknown_fields=True):
    agent_name: AgentName
    metadata: Metadata = None


class AgentJobOut(msgspec.Struct):
    """One job of the dispatch, as LiveKit reports it."""

    id: str
    status: JobStatus
    participant_identity: str
    error: str


class LiveKitDispatchOut(msgspec.Struct):
    """What LiveKit holds for the dispatch now: absent when it holds none (not dispatched yet, or the
    LiveKit room session that held it ended) or when LiveKit could not be asked."""

    dispatch_id: str
    jobs: list[AgentJobOut]


class DispatchOut(msgspec.Struct):
    id: str
    room: str
    agent_name: str
    metadata: str
    owner: Owner
    state: DispatchState
    dispatch_count: int
    room_sid: str | None
    dispatched_at: dt.datetime | None
    removed_at: dt.datetime | None
    remove_reason: str | None
    created_by: str
    created_at: dt.datetime
    livekit: LiveKitDispatchOut | None = None


class DispatchList(msgspec.Struct):
    items: list[DispatchOut]
    next_cursor: str | None = None
    livekit_available: bool = True


class DispatchEnvelope(msgspec.Struct):
    """The job metadata every agent roomsvc dispatches receives (``ctx.job.metadata``, JSON): the
    caller's ``metadata`` as given, and which roomsvc dispatch and room it is. The ``dispatch_id`` is
    also how roomsvc recognises its own dispatches in LiveKit (``CreateDispatch`` is not idempotent)."""

    dispatch_id: str
    room: str
    project: str
    agent_name: str
    metadata: str = ""
