"""Agent behaviour: the registry of agent names, and dispatching agents into rooms.

**Registry.** A project registers the agent names it runs (``POST /v1/agents``). A name is unique across
projects, because LiveKit agent names are global to the LiveKit server: only the project that registered
a name may dispatch it, so one tenant cannot start another's agent in its rooms (or learn it exists
beyond "taken"). roomsvc's own agents (ROOMSVC_DETECTION_AGENT_NAME, ROOMSVC_RECORDING_AGENT_NAME) are
reserved: ``…/detection`` and ``…/recordings`` dispatch them.

**Dispatching** goes through LiveKit's AgentDispatchService, never a token's room configuration (LiveKit
ignores the agents a token names once the room exists). ``CreateDispatch`` is not idempotent, so the
writes are ordered like a recording's start (docs/architecture.md, "Writes that span MySQL and LiveKit"):

1. insert the dispatch ``active`` under the room's row lock and **commit**; the unique key
   ``(room_id, agent_name, active)`` holds one active dispatch of an agent per room (the loser gets
   ``409 agent-already-dispatched`` naming the winner); ``redispatch_at`` is set a grace period ahead;
2. lock the row again and ``CreateDispatch`` with the :class:`~roomsvc.agents.schemas.DispatchEnvelope`
   as metadata, which carries our dispatch id; record LiveKit's id, clear ``redispatch_at`` and emit
   ``agent.dispatched`` (committed by the request edge);
3. if LiveKit refuses, the dispatch is ``removed`` (``dispatch_failed``), that is committed, and the
   caller gets LiveKit's error.

A crash between 1 and 2 leaves ``redispatch_at`` set: ``roomsvc jobs`` (``jobs.redispatch_due``) looks
for a LiveKit dispatch carrying our id and creates one only if there is none.

**Re-dispatch.** LiveKit disconnects agents from a room that only agents are left in, and a new LiveKit
session of the room starts with no dispatch at all. So when a human joins (``participant_joined``, the
webhook path), the room's active dispatches are flagged (MySQL only), and ``roomsvc jobs`` asks LiveKit
(:func:`check`): an agent whose job is pending, or running with its participant in the room, or
dispatched less than :data:`GRACE` ago, stays; otherwise our LiveKit dispatches are deleted and a new one
is created (``agent.dispatched`` with ``redispatch: true``).

The detector is one user of this module (``owner = detection``): ``detection/service.py`` dispatches
and removes it here, and keeps its own heartbeat-informed re-dispatch (``detection/jobs.py``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Sequence

import msgspec
import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.agents.models import Agent, AgentDispatch
from roomsvc.agents.schemas import AgentCreate, DispatchCreate, DispatchEnvelope
from roomsvc.db import newest_first, oldest_first, utcnow
from roomsvc.errors import AppError, BadRequest, Conflict, NotFound
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitDispatch, LiveKitGateway
from roomsvc.rooms.models import Room
from roomsvc.types import Page, metadata_text, split_livekit_room_name

log = structlog.get_logger("roomsvc.agents")
# How long a fresh dispatch may take to put its agent in the room before a check counts it as gone.
GRACE = dt.timedelta(seconds=30)
_envelope_decoder = msgspec.json.Decoder(DispatchEnvelope)
_json = msgspec.json.Encoder()


def new_id() -> str:
    return f"adp_{secrets.token_hex(12)}"


# --- registry --------------------------------------------------------------------------------------------


class AgentNotRegistered(AppError, status=400, code="agent-not-registered", title="Agent not registered"):
    """The body names an agent this project has not registered (or one roomsvc reserves)."""


def _not_registered(name: str) -> AppError:
    # Another project's name answers the same as an unknown one: a tenant learns nothing about another's.
    return AgentNotRegistered(
        f"`agent_name`: {name!r} is not an agent registered in this project; register it with"
        " POST /v1/agents first.",
        field="agent_name",
    )


async def register(
    session: AsyncSession,
    project_id: int,
    data: AgentCreate,
    *,
    created_by: str,
    reserved: Collection[str],
) -> Agent:
    if data.name in reserved:
        raise BadRequest(
            f"`name`: {data.name!r} is reserved for roomsvc's own agents (detection, recording).",
            code="agent-name-reserved",
            field="name",
        )
    owner = (await session.execute(select(Agent).where(Agent.name == data.name))).scalar_one_or_none()
    if owner is not None:
        if owner.project_id == project_id:
            raise Conflict(f"Agent {data.name!r} is already registered in this project.", code="agent-exists")
        raise Conflict(
            f"The agent name {data.name!r} is taken: agent names are global to the LiveKit server. Choose"
            " another (a prefix of your project helps).",
            code="agent-name-taken",
        )
    agent = Agent(name=data.name, project_id=project_id, description=data.description, created_by=created_by)
    session.add(agent)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(f"The agent name {data.name!r} is taken.", code="agent-name-taken") from None
    log.info("agent.registered", agent=data.name, project_id=project_id)
    return agent


async def list_agents(session: AsyncSession, project_id: int, page: Page) -> tuple[list[Agent], str | None]:
    return await oldest_first(session, select(Agent).where(Agent.project_id == project_id), Agent.id, page)


async def get_agent(session: AsyncSession, project_id: int, name: str, *, for_update: bool = False) -> Agent:
    query = select(Agent).where(Agent.name == name, Agent.project_id == project_id)
    if for_update:
        query = query.with_for_update()
    agent = (await session.execute(query)).scalar_one_or_none()
    if agent is None:
        raise NotFound(f"No agent {name!r} is registered in this project.", code="agent-not-found")
    return agent


async def unregister(session: AsyncSession, project_id: int, name: str) -> None:
    agent = await get_agent(session, project_id, name, for_update=True)
    in_use = (
        await session.execute(
            select(AgentDispatch.public_id)
            .where(AgentDispatch.agent_name == name, AgentDispatch.active.is_(True))
            .limit(1)
        )
    ).first()
    if in_use is not None:
        raise Conflict(
            f"Agent {name!r} is dispatched in a room ({in_use[0]}); remove its dispatches first.",
            code="agent-in-use",
            dispatch_id=in_use[0],
        )
    await session.delete(agent)
    await session.flush()
    log.info("agent.unregistered", agent=name, project_id=project_id)


# --- dispatches: reading -----------------------------------------------------------------------------------


async def get_dispatch(
    session: AsyncSession, room: Room, public_id: str, *, for_update: bool = False
) -> AgentDispatch:
    query = select(AgentDispatch).where(
        AgentDispatch.public_id == public_id, AgentDispatch.room_id == room.id
    )
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No agent dispatch {public_id!r} in room {room.name!r}.", code="dispatch-not-found")
    return row


async def active_of(session: AsyncSession, room: Room, agent_name: str) -> AgentDispatch | None:
    query = select(AgentDispatch).where(
        AgentDispatch.room_id == room.id,
        AgentDispatch.agent_name == agent_name,
        AgentDispatch.active.is_(True),
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_dispatches(
    session: AsyncSession, room: Room, page: Page, *, state: str | None = None
) -> tuple[list[AgentDispatch], str | None]:
    query = select(AgentDispatch).where(AgentDispatch.room_id == room.id)
    if state is not None:
        query = query.where(AgentDispatch.state == state)
    return await newest_first(session, query, AgentDispatch.id, page)


def is_ours(dispatch: LiveKitDispatch, row: AgentDispatch) -> bool:
    """Whether LiveKit's ``dispatch`` is the one ``row`` made: its envelope carries our id. The detector's
    dispatches are matched by name (roomsvc alone dispatches that reserved name)."""
    if dispatch.agent_name != row.agent_name:
        return False
    if row.owner == "detection":
        return True
    try:
        return _envelope_decoder.decode(dispatch.metadata).dispatch_id == row.public_id
    except msgspec.DecodeError:
        return False


def match(dispatches: Sequence[LiveKitDispatch], row: AgentDispatch) -> LiveKitDispatch | None:
    """LiveKit's current dispatch of ``row`` (its recorded id first), if LiveKit holds one."""
    ours = [d for d in dispatches if is_ours(d, row)]
    return next((d for d in ours if d.id == row.livekit_dispatch_id), ours[0] if ours else None)


# --- dispatches: writing -----------------------------------------------------------------------------------


def envelope(row: AgentDispatch, room: Room) -> str:
    project = split_livekit_room_name(room.livekit_name)[0]
    return _json.encode(
        DispatchEnvelope(
            dispatch_id=row.public_id,
            room=room.name,
            project=project,
            agent_name=row.agent_name,
            metadata=row.dispatch_metadata,
        )
    ).decode()


def _already(row: AgentDispatch) -> Conflict:
    return Conflict(
        f"Agent {row.agent_name!r} is already dispatched in this room ({row.public_id}); remove that"
        " dispatch first to dispatch it again.",
        code="agent-already-dispatched",
        dispatch_id=row.public_id,
    )


async def _create(
    session: AsyncSession, gateway: LiveKitGateway, row: AgentDispatch, room: Room, *, redispatch: bool
) -> None:
    """CreateDispatch for ``row`` and record it; ``agent.dispatched`` for a caller's dispatch."""
    row.livekit_dispatch_id = await gateway.create_dispatch(
        room.livekit_name, row.agent_name, metadata=envelope(row, room)
    )
    now = utcnow()
    row.dispatched_at = now
    row.room_sid = room.livekit_sid
    row.dispatch_count += 1
    row.redispatch_at = None
    row.updated_at = now
    await session.flush()
    log.info(
        "agent.dispatched",
        room=room.name,
        agent=row.agent_name,
        dispatch=row.public_id,
        livekit_dispatch_id=row.livekit_dispatch_id,
        redispatch=redispatch,
    )
    if row.owner == "api":
        await events.emit(
            session,
            EventType.AGENT_DISPATCHED,
            room=room.name,
            project_id=room.project_id,
            data={
                "dispatch_id": row.public_id,
                "agent_name": row.agent_name,
                "livekit_dispatch_id": row.livekit_dispatch_id,
                "redispatch": redispatch,
            },
        )


async def dispatch(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    data: DispatchCreate,
    *,
    created_by: str,
) -> AgentDispatch:
    """Dispatch a registered agent into the (locked, open) room: see the module docstring for the order."""
    metadata = metadata_text(data.metadata)  # 400 naming `metadata` before anything else is looked up
    if not room.is_open:
        raise Conflict(f"Room {room.name!r} has ended.", code="room-ended")
    registered = (
        await session.execute(
            select(Agent.id).where(Agent.name == data.agent_name, Agent.project_id == room.project_id)
        )
    ).first()
    if registered is None:
        raise _not_registered(data.agent_name)
    existing = await active_of(session, room, data.agent_name)
    if existing is not None:
        raise _already(existing)
    row = AgentDispatch(
        public_id=new_id(),
        project_id=room.project_id,
        room_id=room.id,
        agent_name=data.agent_name,
        dispatch_metadata=metadata,
        owner="api",
        state="active",
        active=True,
        dispatch_count=0,
        redispatch_at=utcnow() + GRACE,  # the jobs' fallback if this process dies before CreateDispatch
        created_by=created_by,
    )
    session.add(row)
    try:
        await session.commit()  # the row first (step 1): CreateDispatch is not idempotent
    except IntegrityError:
        await session.rollback()  # a concurrent dispatch of the same agent won the unique key
        winner = await active_of(session, room, data.agent_name)
        if winner is not None:
            raise _already(winner) from None
        raise Conflict("A concurrent dispatch interfered; retry.", code="dispatch-busy") from None
    locked = await get_dispatch(session, room, row.public_id, for_update=True)
    if locked.livekit_dispatch_id is None and locked.active:
        try:
            await _create(session, gateway, locked, room, redispatch=False)
        except AppError:
            _mark_removed(locked, "dispatch_failed")
            await session.commit()  # the failure is the outcome, whatever the request's edge does next
            raise
    return locked


def _mark_removed(row: AgentDispatch, reason: str) -> None:
    now = utcnow()
    row.state = "removed"
    row.active = None
    row.redispatch_at = None
    row.remove_reason = reason
    row.removed_at = now
    row.updated_at = now


async def on_room_ended(session: AsyncSession, room: Room) -> None:
    """The room ended (its LiveKit session finished after the end): its active dispatches are over. Only
    MySQL here: LiveKit dropped the dispatches with the room."""
    rows = (
        await session.execute(
            select(AgentDispatch).where(AgentDispatch.room_id == room.id, AgentDispatch.active.is_(True))
        )
    ).scalars()
    for row in rows:
        _mark_removed(row, "room ended")


async def _withdraw(
    gateway: LiveKitGateway, room: Room, rows: Sequence[AgentDispatch], *, identity_prefix: str | None = None
) -> None:
    """Delete the rows' LiveKit dispatches and remove their agents' participants from the room.

    DeleteDispatch alone leaves a running agent in the room, so each job's participant is removed too
    (and, for the detector, every agent participant whose identity starts with ``identity_prefix``)."""
    if not room.is_open or not rows:
        return
    identities: set[str] = set()
    for found in await gateway.list_dispatch_states(room.livekit_name):
        if any(is_ours(found, row) for row in rows):
            identities.update(job.identity for job in found.jobs if job.identity)
            await gateway.delete_dispatch(room.livekit_name, found.id)
    if identity_prefix is not None:
        for participant in await gateway.list_participants(room.livekit_name):
            if participant.kind == "agent" and participant.identity.startswith(identity_prefix):
                identities.add(participant.identity)
    for identity in sorted(identities):
        await gateway.remove_participant(room.livekit_name, identity)


async def remove(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    row: AgentDispatch,
    *,
    reason: str = "requested",
) -> AgentDispatch:
    """Remove a caller's dispatch (idempotent): DeleteDispatch, the agent leaves, ``agent.removed``."""
    if row.owner != "api":
        raise Conflict(
            f"Dispatch {row.public_id} is roomsvc's {row.owner} agent; stop it with DELETE"
            f" /v1/rooms/{room.name}/{row.owner}.",
            code="dispatch-managed",
        )
    if row.state == "removed":
        return row
    await _withdraw(gateway, room, [row])
    _mark_removed(row, reason)
    await session.flush()
    await events.emit(
        session,
        EventType.AGENT_REMOVED,
        room=room.name,
        project_id=room.project_id,
        data={"dispatch_id": row.public_id, "agent_name": row.agent_name, "reason": reason},
    )
    log.info("agent.removed", room=room.name, agent=row.agent_name, dispatch=row.public_id, reason=reason)
    return row


# --- roomsvc's own agents (the detector) -------------------------------------------------------------------


async def _owned_row(
    session: AsyncSession, room: Room, agent_name: str, *, owner: str, created_by: str
) -> AgentDispatch:
    row = await active_of(session, room, agent_name)
    if row is None:
        row = AgentDispatch(
            public_id=new_id(),
            project_id=room.project_id,
            room_id=room.id,
            agent_name=agent_name,
            dispatch_metadata="",
            owner=owner,
            state="active",
            active=True,
            dispatch_count=0,
            created_by=created_by,
        )
        session.add(row)
        await session.flush()
    return row


async def ensure(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    agent_name: str,
    *,
    owner: str,
    created_by: str,
) -> tuple[AgentDispatch, bool]:
    """One dispatch of roomsvc's own agent in the room, inside the caller's transaction: the active row,
    and LiveKit's dispatch adopted if it holds one (CreateDispatch is not idempotent), else created.
    Returns the row and whether a LiveKit dispatch was created."""
    row = await _owned_row(session, room, agent_name, owner=owner, created_by=created_by)
    found = match(await gateway.list_dispatch_states(room.livekit_name), row)
    if found is not None:
        row.livekit_dispatch_id = found.id
        row.room_sid = row.room_sid or room.livekit_sid
        await session.flush()
        return row, False
    await _create(session, gateway, row, room, redispatch=False)
    return row, True


async def redispatch_owned(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    agent_name: str,
    *,
    owner: str,
    created_by: str,
) -> AgentDispatch:
    """Replace roomsvc's own agent's dispatches (their agents are gone) with a new one."""
    row = await _owned_row(session, room, agent_name, owner=owner, created_by=created_by)
    for found in await gateway.list_dispatch_states(room.livekit_name):
        if is_ours(found, row):
            await gateway.delete_dispatch(room.livekit_name, found.id)
    await _create(session, gateway, row, room, redispatch=True)
    return row


async def remove_owned(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    agent_name: str,
    *,
    owner: str,
    identity_prefix: str,
    reason: str,
) -> None:
    """Stop roomsvc's own agent: its dispatches deleted, its participants removed, the row ``removed``."""
    row = await active_of(session, room, agent_name)
    probe = row or AgentDispatch(agent_name=agent_name, owner=owner, public_id="")
    await _withdraw(gateway, room, [probe], identity_prefix=identity_prefix)
    if row is not None:
        _mark_removed(row, reason)
        await session.flush()


# --- re-dispatch -------------------------------------------------------------------------------------------


async def note_participant_joined(session: AsyncSession, room: Room) -> None:
    """A human joined (webhook path, room row locked): the room's agents may be gone (LiveKit disconnects
    agents left alone in a room; a new LiveKit session has no dispatch). Flag the caller's active
    dispatches; only MySQL here, ``roomsvc jobs`` asks LiveKit (:func:`check`)."""
    await note_participants_joined(session, {room.id})


async def note_participants_joined(session: AsyncSession, room_ids: set[int]) -> None:
    """:func:`note_participant_joined` for several rooms in one UPDATE (the webhook applier's batch;
    the caller holds the rooms' row locks)."""
    if not room_ids:
        return
    await session.execute(
        update(AgentDispatch)
        .where(
            AgentDispatch.room_id.in_(sorted(room_ids)),
            AgentDispatch.active.is_(True),
            AgentDispatch.owner == "api",
            AgentDispatch.redispatch_at.is_(None),
        )
        .values(redispatch_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def _alive(gateway: LiveKitGateway, room: Room, row: AgentDispatch, found: LiveKitDispatch) -> bool:
    """Whether LiveKit's dispatch still has (or is about to have) its agent in the room.

    LiveKit lists a job while it is pending or running and drops it once it ended, so a dispatch with no
    job is either waiting for a worker or its agent left; past the grace period it counts as gone."""
    if any(job.status == "pending" for job in found.jobs):
        return True
    if row.dispatched_at is not None and utcnow() - row.dispatched_at < GRACE:
        return True  # the agent may still be joining
    running = {job.identity for job in found.jobs if job.status == "running" and job.identity}
    if not running:
        return False
    present = {p.identity for p in await gateway.list_participants(room.livekit_name)}
    return bool(running & present)


async def check(session: AsyncSession, gateway: LiveKitGateway, room: Room, row: AgentDispatch) -> None:
    """``roomsvc jobs``: make sure a flagged active dispatch has its agent; dispatch again if not."""
    dispatches = await gateway.list_dispatch_states(room.livekit_name)
    found = match(dispatches, row)
    alive = found is not None and await _alive(gateway, room, row, found)
    log.debug("agent.checked", room=room.name, dispatch=row.public_id, alive=alive, jobs=found and found.jobs)
    if found is not None and alive:
        if row.livekit_dispatch_id != found.id:  # a crash after CreateDispatch: adopt it
            row.livekit_dispatch_id = found.id
            row.dispatched_at = row.dispatched_at or utcnow()
            row.room_sid = room.livekit_sid
        row.redispatch_at = None
        return
    first = row.livekit_dispatch_id is None
    for stale in dispatches:
        if is_ours(stale, row):
            await gateway.delete_dispatch(room.livekit_name, stale.id)
    await _create(session, gateway, row, room, redispatch=not first)
