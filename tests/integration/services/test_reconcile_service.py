"""Reconciliation's room rules on the real MariaDB with the fake gateway, on a database of its own.

- one ListRooms answer that misses a room does not end it: the room is asked for by name first;
- a room LiveKit still lists whose node died (a killed cluster node) is ended, its neighbours are not;
- a room with webhooks stored but not yet applied is left for the next pass (those webhooks are about to
  record what happened; a repair made first would mark it ``repaired`` with no webhook lost);
- the jobs' reconciler closes a session LiveKit no longer lists only once it was missing a grace period
  earlier (its participant_left may still be on its way); ``roomsvc reconcile`` by hand closes it at once;
- a ``creating`` row whose request died after LiveKit's CreateRoom is completed by the same function
  as a create request (``rooms.flows.complete_create``): seats, detection run and dispatch, event.

The reconciler walks every open room of its database, so this module runs on an isolated one (a fresh,
migrated copy) where the only rooms are the ones its tests create.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.auth import Caller
from roomsvc.calls import reconcile as reconciliation
from roomsvc.calls import recorder
from roomsvc.calls.jobs import completer
from roomsvc.calls.models import ParticipantSession
from roomsvc.credentials.models import DEFAULT_PROJECT, Project
from roomsvc.db import create_engine, create_session_factory, utcnow
from roomsvc.detection.records import RoomDetection
from roomsvc.errors import LiveKitError
from roomsvc.events.models import Event
from roomsvc.livekit import LiveKitGateway, LiveKitRoom
from roomsvc.rooms import flows as room_flows
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import DetectionSpec, RoomCreate
from roomsvc.seats.models import Seat
from roomsvc.webhooks.models import WebhookEvent
from tests.fakes import FakeLiveKitGateway
from tests.stack import create_isolated_database, drop_database


@pytest.fixture(scope="module")
async def session_factory(
    stack_env: dict[str, str], migrated_db: str, settings: Any
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Overrides tests/conftest.py's: sessions on an isolated database, for this module only."""
    url = await create_isolated_database(migrated_db, stack_env)
    engine = create_engine(dataclasses.replace(settings.database, url=url))
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


class MissingFromListing(FakeLiveKitGateway):
    """LiveKit whose full ListRooms answer leaves out the rooms in ``hidden`` (a listing cut short, a
    node restarting) while the rooms still exist: asked for by name, it has them."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: set[str] = set()

    async def list_rooms(self, names: Sequence[str] = ()) -> list[LiveKitRoom]:
        rooms = await super().list_rooms(names)
        return rooms if names else [r for r in rooms if r.name not in self.hidden]


async def _caller(session_factory: async_sessionmaker[AsyncSession]) -> Caller:
    async with session_factory() as session:
        project = (
            await session.execute(select(Project).where(Project.public_id == DEFAULT_PROJECT))
        ).scalar_one()
    return Caller(
        credential_id="svc-test",
        scopes=frozenset({"admin"}),
        project_id=project.id,
        project=DEFAULT_PROJECT,
    )


def _spec(name: str) -> RoomCreate:
    return RoomCreate(
        name=name,
        creator="olivia",
        call_type="audio",
        seats=3,
        detection=DetectionSpec(enabled=True, policy="notify", mute_seconds=90),
    )


async def _state(session: AsyncSession, name: str) -> dict[str, Any]:
    room = (await session.execute(select(Room).where(Room.name == name))).scalar_one_or_none()
    if room is None:
        return {}
    seats = (await session.execute(select(Seat.seat_index).where(Seat.room_id == room.id))).scalars()
    run = (
        await session.execute(select(RoomDetection).where(RoomDetection.room_id == room.id))
    ).scalar_one_or_none()
    events = (
        await session.execute(
            select(Event.type, Event.data).where(Event.room_name == name).order_by(Event.id)
        )
    ).all()
    return {
        "status": room.status,
        "livekit_sid": room.livekit_sid,
        "seats": sorted(seats),
        "run": None
        if run is None
        else (run.enabled, run.policy, run.mute_seconds, run.status, run.dispatch_id is not None),
        "events": [(type_, json.loads(data)) for type_, data in events],
    }


async def _plain_room(
    session_factory: async_sessionmaker[AsyncSession], gateway: LiveKitGateway, settings: Any
) -> Room:
    """A room created as a request creates it (the flow commits its pending row itself; then the edge)."""
    async with session_factory() as session:
        room, _ = await room_flows.create_room(
            session,
            gateway,
            RoomCreate(name=f"svc-{uuid.uuid4().hex[:12]}", creator="olivia"),
            caller=await _caller(session_factory),
            detection=settings.detection,
        )
        await session.commit()
    return room


async def _reconcile(
    session_factory: async_sessionmaker[AsyncSession], gateway: Any, settings: Any
) -> reconciliation.Report:
    fake: LiveKitGateway = gateway  # the fake has the gateway's interface (tests/unit/test_fake_gateway.py)
    return await reconciliation.reconcile(
        session_factory, fake, grace=0, complete_pending=completer(settings.detection)
    )


async def test_a_room_missing_from_one_listing_is_not_ended(
    session_factory: async_sessionmaker[AsyncSession], settings: Any
) -> None:
    fake = MissingFromListing()
    gateway: LiveKitGateway = fake  # type: ignore[assignment]
    name = f"svc-{uuid.uuid4().hex[:12]}"
    async with session_factory() as session:  # the flow commits its pending row itself; then the edge
        room, created = await room_flows.create_room(
            session,
            gateway,
            RoomCreate(name=name, creator="olivia"),
            caller=await _caller(session_factory),
            detection=settings.detection,
        )
        await session.commit()
    assert created
    livekit_name = room.livekit_name

    fake.hidden.add(livekit_name)
    report = await _reconcile(session_factory, fake, settings)
    async with session_factory() as session:
        state = await _state(session, name)
    assert state["status"] == "created"  # asked for by name, LiveKit still had it
    assert "rooms_ended" not in report.repairs
    assert "room.ended" not in [t for t, _ in state["events"]]

    # Really gone (asked by name too): ended on this pass.
    assert await fake.delete_room(livekit_name)
    report = await _reconcile(session_factory, fake, settings)
    async with session_factory() as session:
        state = await _state(session, name)
    assert state["status"] == "ended" and report.repairs.get("rooms_ended") == 1
    assert "room.ended" in [t for t, _ in state["events"]]


async def test_a_room_still_listed_on_a_dead_node_is_ended(
    session_factory: async_sessionmaker[AsyncSession], settings: Any
) -> None:
    """A LiveKit cluster keeps listing a killed node's rooms; the routed probe tells them apart."""
    fake = FakeLiveKitGateway()
    gateway: LiveKitGateway = fake  # type: ignore[assignment]
    caller = await _caller(session_factory)
    names = {key: f"svc-{uuid.uuid4().hex[:12]}" for key in ("dead", "alive")}
    rooms = {}
    for key, name in names.items():
        async with session_factory() as session:
            rooms[key], _ = await room_flows.create_room(
                session,
                gateway,
                RoomCreate(name=name, creator="olivia"),
                caller=caller,
                detection=settings.detection,
            )
            await session.commit()

    fake.orphaned.add(rooms["dead"].livekit_name)  # its node was killed; LiveKit still lists it
    assert rooms["dead"].livekit_name in {r.name for r in await fake.list_rooms()}
    report = await _reconcile(session_factory, fake, settings)
    async with session_factory() as session:
        dead, alive = await _state(session, names["dead"]), await _state(session, names["alive"])
    assert dead["status"] == "ended" and report.repairs.get("rooms_ended") == 1
    assert "room.ended" in [t for t, _ in dead["events"]]
    assert alive["status"] == "created"
    assert "room.ended" not in [t for t, _ in alive["events"]]


async def test_a_room_with_webhooks_still_to_apply_is_left_for_the_next_pass(
    session_factory: async_sessionmaker[AsyncSession], settings: Any
) -> None:
    fake = FakeLiveKitGateway()
    gateway: LiveKitGateway = fake  # type: ignore[assignment]
    room = await _plain_room(session_factory, gateway, settings)
    assert await fake.delete_room(room.livekit_name)  # gone from LiveKit, its room_finished not applied yet
    pending = WebhookEvent(
        event_id=f"EV_{uuid.uuid4().hex[:12]}",
        event_type="room_finished",
        room_name=room.livekit_name,
        body=json.dumps({"event": "room_finished", "room": {"name": room.livekit_name}}),
    )
    async with session_factory() as session, session.begin():  # nothing applies it: a database of its own
        session.add(pending)

    def reconcile_it() -> Any:  # this room only: the module's other tests leave rooms of their own
        return reconciliation.reconcile(
            session_factory, gateway, grace=0, complete_pending=completer(settings.detection), rooms=[name_lk]
        )

    name_lk = room.livekit_name
    report = await reconcile_it()
    async with session_factory() as session:
        state = await _state(session, room.name)
    assert report.deferred == 1 and "rooms_ended" not in report.repairs
    assert state["status"] == "created" and "room.ended" not in [t for t, _ in state["events"]]

    async with session_factory() as session, session.begin():  # applied (here: marked so)
        row = await session.get(WebhookEvent, pending.id)
        assert row is not None
        row.processed_at, row.outcome = row.received_at, "applied"
    report = await reconcile_it()
    async with session_factory() as session:
        state = await _state(session, room.name)
    assert report.deferred == 0 and report.repairs.get("rooms_ended") == 1
    assert state["status"] == "ended"


async def test_a_stale_creating_room_is_completed_like_a_created_one(
    session_factory: async_sessionmaker[AsyncSession], settings: Any
) -> None:
    fake = FakeLiveKitGateway()
    gateway: LiveKitGateway = fake  # type: ignore[assignment]
    caller = await _caller(session_factory)
    normal, stale = f"svc-{uuid.uuid4().hex[:12]}", f"svc-{uuid.uuid4().hex[:12]}"
    async with session_factory() as session:
        await room_flows.create_room(
            session, gateway, _spec(normal), caller=caller, detection=settings.detection
        )
        await session.commit()

    # The request dies after CreateRoom, before its last commit (here: the agent's dispatch fails).
    fake.fail_next("list_dispatch_states", LiveKitError("LiveKit refused ListDispatch"))
    async with session_factory() as session:
        with pytest.raises(LiveKitError):
            await room_flows.create_room(
                session, gateway, _spec(stale), caller=caller, detection=settings.detection
            )
        await session.rollback()  # as the request edge does on an error
    async with session_factory() as session:
        left = await _state(session, stale)
    assert left["status"] == "creating" and left["seats"] == [] and left["events"] == []
    assert left["run"] == (True, "notify", 90, "dispatched", False)  # the spec, recorded at step 1

    report = await _reconcile(session_factory, fake, settings)
    assert report.repairs.get("pending_rooms_completed") == 1
    async with session_factory() as session:
        completed, reference = await _state(session, stale), await _state(session, normal)
        stale_room = (await session.execute(select(Room).where(Room.name == stale))).scalar_one()
    assert completed["status"] == reference["status"] == "created"
    assert completed["livekit_sid"] == fake.rooms[stale_room.livekit_name].sid
    assert completed["seats"] == reference["seats"] == [0, 1, 2]
    assert completed["run"] == reference["run"] == (True, "notify", 90, "dispatched", True)
    agents = {(d.room, d.agent_name) for d in fake.dispatches.values()}
    assert (stale_room.livekit_name, settings.detection.agent_name) in agents
    [(event_type, data)] = completed["events"]
    # (the reference room, listed by LiveKit, also gets its session opened by this pass: room.started)
    [reference_data] = [d for t, d in reference["events"] if t == "room.created"]
    assert event_type == "room.created" and data.get("repaired") is True
    assert data["room_sid"] == completed["livekit_sid"]
    assert {k: v for k, v in data.items() if k not in ("repaired", "room_sid")} == {
        k: v for k, v in reference_data.items() if k != "room_sid"
    }


async def test_the_job_closes_an_unlisted_session_only_once_it_stayed_unlisted_for_the_grace(
    session_factory: async_sessionmaker[AsyncSession], settings: Any
) -> None:
    """A participant LiveKit has just unlisted (left, kicked) still has its participant_left on the way:
    the job's reconciler leaves its session open until it was already missing a grace period earlier."""
    fake = FakeLiveKitGateway()
    gateway: LiveKitGateway = fake  # type: ignore[assignment]
    room = await _plain_room(session_factory, gateway, settings)
    lk_room = await fake.get_room(room.livekit_name)
    assert lk_room is not None
    joined = utcnow() - dt.timedelta(minutes=5)
    sid = f"PA_{uuid.uuid4().hex[:12]}"
    async with session_factory() as session, session.begin():  # a session LiveKit does not list
        row = await session.get(Room, room.id)
        assert row is not None
        await recorder.room_started(session, row, lk_room.sid, joined)
        await recorder.participant_joined(
            session, row, lk_room.sid, recorder.ParticipantFact(sid=sid, identity="ana"), joined
        )

    async def left_at() -> dt.datetime | None:
        async with session_factory() as session:
            ps = (
                await session.execute(select(ParticipantSession).where(ParticipantSession.sid == sid))
            ).scalar_one()
            return ps.left_at

    departures = reconciliation.Departures()

    async def reconcile_it() -> reconciliation.Report:
        return await reconciliation.reconcile(
            session_factory,
            gateway,
            grace=30,
            complete_pending=completer(settings.detection),
            rooms=[room.livekit_name],
            departures=departures,
        )

    report = await reconcile_it()
    assert await left_at() is None and "participant_sessions_closed" not in report.repairs, report
    first_seen = departures.first_missing[sid]
    report = await reconcile_it()  # seen again, less than the grace after: still left alone
    assert await left_at() is None and departures.first_missing[sid] == first_seen

    departures.first_missing[sid] = first_seen - dt.timedelta(seconds=31)  # as if first seen 31 s earlier
    report = await reconcile_it()
    assert await left_at() is not None and report.repairs.get("participant_sessions_closed") == 1

    # Without the job's memory (``roomsvc reconcile`` by hand) a session past the grace closes at once.
    sid = f"PA_{uuid.uuid4().hex[:12]}"
    async with session_factory() as session, session.begin():
        row = await session.get(Room, room.id)
        assert row is not None
        await recorder.participant_joined(
            session, row, lk_room.sid, recorder.ParticipantFact(sid=sid, identity="bo"), joined
        )
    report = await reconciliation.reconcile(
        session_factory,
        gateway,
        grace=30,
        complete_pending=completer(settings.detection),
        rooms=[room.livekit_name],
    )
    assert await left_at() is not None and report.repairs.get("participant_sessions_closed") == 1
