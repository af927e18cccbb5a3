"""Agents API: the project's registry of agent names (``/v1/agents``) and dispatches into a room
(``/v1/rooms/{room}/agents``).

Scopes: ``agents`` to dispatch, list and remove, and to read the registry; ``admin`` to register or
unregister a name. Every route is project-scoped: another project's room is 404, another project's
agent name is ``400 agent-not-registered`` like an unknown one.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.agents import service
from roomsvc.agents.mappers import agent_out, dispatch_out
from roomsvc.agents.schemas import (
    AgentCreate,
    AgentList,
    AgentOut,
    DispatchCreate,
    DispatchList,
    DispatchOut,
    DispatchState,
)
from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.errors import LiveKitUnavailable
from roomsvc.livekit import LiveKitDispatch, LiveKitGateway, LiveKitNotFound
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.routes import ADMIN, AGENTS, IDEMPOTENT, PAGE, PROJECT
from roomsvc.types import Page


def reserved_names(settings: Settings) -> frozenset[str]:
    """roomsvc's own agents: ``…/detection`` and ``…/recordings`` dispatch them, no project may."""
    return frozenset({settings.detection.agent_name, settings.recording.agent_name})


async def _livekit_state(livekit: LiveKitGateway, room: Room) -> list[LiveKitDispatch] | None:
    """LiveKit's dispatches of the room; None when LiveKit cannot be asked (the rows are still answered)."""
    if not room.is_open:
        return []
    try:
        return await livekit.list_dispatch_states(room.livekit_name)
    except LiveKitNotFound:
        return []
    except LiveKitUnavailable:
        return None


class RoomAgentController(Controller):
    path = "/v1/rooms/{room:str}/agents"
    tags = ["agents"]
    dependencies = ROOM_DEPENDENCIES | PAGE

    @post(
        "/",
        opt=AGENTS,  # no Idempotency-Key: the dispatch commits its row early; a retry gets 409 naming it
        status_code=201,
        summary="Dispatch a registered agent into the room (409 agent-already-dispatched names the one"
        " already there)",
    )
    async def dispatch(
        self,
        data: DispatchCreate,
        open_room: Room,
        request: Request[Caller, Any, Any],
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> DispatchOut:
        row = await service.dispatch(
            db_session, livekit, open_room, data, created_by=request.user.credential_id
        )
        return dispatch_out(row, open_room.name)

    @get("/", opt=AGENTS, summary="The room's agent dispatches, newest first, with LiveKit's state")
    async def list_dispatches(
        self,
        room_row: Room,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        page: Page,
        state_filter: Annotated[DispatchState | None, Parameter(query="state")] = None,
    ) -> DispatchList:
        rows, next_cursor = await service.list_dispatches(db_session, room_row, page, state=state_filter)
        live: list[LiveKitDispatch] | None = []
        if any(row.active for row in rows):
            live = await _livekit_state(livekit, room_row)
        items = [
            dispatch_out(row, room_row.name, service.match(live or [], row) if row.active else None)
            for row in rows
        ]
        return DispatchList(items=items, next_cursor=next_cursor, livekit_available=live is not None)

    @get("/{dispatch_id:str}", opt=AGENTS, summary="One agent dispatch, with LiveKit's state")
    async def get_dispatch(
        self, dispatch_id: str, room_row: Room, db_session: AsyncSession, livekit: LiveKitGateway
    ) -> DispatchOut:
        row = await service.get_dispatch(db_session, room_row, dispatch_id)
        live = await _livekit_state(livekit, room_row) if row.active else []
        return dispatch_out(row, room_row.name, service.match(live or [], row) if row.active else None)

    @delete(
        "/{dispatch_id:str}",
        opt=AGENTS,
        status_code=200,
        summary="Remove an agent from the room: its dispatch is deleted and the agent leaves (idempotent)",
    )
    async def remove(
        self, dispatch_id: str, locked_room: Room, db_session: AsyncSession, livekit: LiveKitGateway
    ) -> DispatchOut:
        row = await service.get_dispatch(db_session, locked_room, dispatch_id, for_update=True)
        await service.remove(db_session, livekit, locked_room, row)
        return dispatch_out(row, locked_room.name)


class AgentController(Controller):
    path = "/v1/agents"
    tags = ["agents"]
    dependencies = PROJECT | PAGE

    @post("/", opt=ADMIN | IDEMPOTENT, status_code=201, summary="Register an agent name for this project")
    async def register(
        self,
        data: AgentCreate,
        request: Request[Caller, Any, Any],
        project_id: int,
        db_session: AsyncSession,
        settings: Settings,
    ) -> AgentOut:
        agent = await service.register(
            db_session,
            project_id,
            data,
            created_by=request.user.credential_id,
            reserved=reserved_names(settings),
        )
        return agent_out(agent)

    @get("/", opt=AGENTS, summary="The agent names this project registered, oldest first")
    async def list_agents(self, project_id: int, db_session: AsyncSession, page: Page) -> AgentList:
        agents, next_cursor = await service.list_agents(db_session, project_id, page)
        return AgentList(items=[agent_out(a) for a in agents], next_cursor=next_cursor)

    @get("/{name:str}", opt=AGENTS, summary="One registered agent name")
    async def get_agent(self, name: str, project_id: int, db_session: AsyncSession) -> AgentOut:
        return agent_out(await service.get_agent(db_session, project_id, name))

    @delete(
        "/{name:str}",
        opt=ADMIN,
        status_code=204,
        summary="Unregister an agent name (409 agent-in-use while it is dispatched in a room)",
    )
    async def unregister(self, name: str, project_id: int, db_session: AsyncSession) -> None:
        await service.unregister(db_session, project_id, name)
