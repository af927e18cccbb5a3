"""Agent rows → response bodies."""

from __future__ import annotations

from roomsvc.agents.models import Agent, AgentDispatch
from roomsvc.agents.schemas import AgentJobOut, AgentOut, DispatchOut, LiveKitDispatchOut
from roomsvc.livekit import LiveKitDispatch
from roomsvc.types import to_struct


def agent_out(agent: Agent) -> AgentOut:
    return to_struct(AgentOut, agent)


def dispatch_out(row: AgentDispatch, room: str, livekit: LiveKitDispatch | None = None) -> DispatchOut:
    state = None
    if livekit is not None:
        state = LiveKitDispatchOut(
            dispatch_id=livekit.id,
            jobs=[
                AgentJobOut(
                    id=job.id,
                    status=job.status,  # type: ignore[arg-type]
                    participant_identity=job.identity,
                    error=job.error,
                )
                for job in livekit.jobs
            ],
        )
    return DispatchOut(
        id=row.public_id,
        room=room,
        agent_name=row.agent_name,
        metadata=row.dispatch_metadata,
        owner=row.owner,  # type: ignore[arg-type]
        state=row.state,  # type: ignore[arg-type]
        dispatch_count=row.dispatch_count,
        room_sid=row.room_sid,
        dispatched_at=row.dispatched_at,
        removed_at=row.removed_at,
        remove_reason=row.remove_reason,
        created_by=row.created_by,
        created_at=row.created_at,
        livekit=state,
    )
