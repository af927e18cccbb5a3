"""Events out: signed, at-least-once, per-room ordered, surviving subscriber outages and kill -9."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery
from tests.receiver import Receiver, verify
from tests.stack import JobsProcess
from tests.support import eventually

pytestmark = pytest.mark.e2e


async def _subscribe(client: Any, url: str, types: list[str] | None = None) -> dict[str, Any]:
    response = await client.post(
        "/v1/event-subscriptions", json={"url": url, "event_types": types or ["room.*"]}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _expected(session_factory: Any, rooms: list[str]) -> dict[str, list[str]]:
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(Event.room_name, Event.public_id).where(Event.room_name.in_(rooms)).order_by(Event.id)
            )
        ).all()
    order: dict[str, list[str]] = {}
    for room, event_id in rows:
        order.setdefault(room, []).append(event_id)
    return order


def _per_room(received: list[dict[str, Any]]) -> dict[str, list[str]]:
    order: dict[str, list[str]] = {}
    for event in received:
        ids = order.setdefault(event["room"], [])
        if event["id"] not in ids:  # at-least-once: a receiver de-duplicates by event id
            ids.append(event["id"])
    return order


async def test_receiver_gets_every_event_signed_and_in_room_order_after_an_outage(
    api: Any, jobs_process: Any, session_factory: Any, room_name: str
) -> None:
    with Receiver() as receiver:
        sub = await _subscribe(api, receiver.url)
        receiver.failing = True
        rooms = [f"{room_name}-{i}" for i in range(3)]
        for room in rooms:
            assert (await api.post("/v1/rooms", json={"name": room, "creator": "o"})).status_code == 201
            for n in range(3):
                assert (await api.patch(f"/v1/rooms/{room}", json={"metadata": f"v{n}"})).status_code == 200
        await eventually(lambda: _async(receiver.failures), check=lambda n: n >= 3, what="failed attempts")
        receiver.failing = False

        async def delivered_and_stored() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
            # What is stored is read again each time: a room's room.started comes from LiveKit's webhook,
            # applied by the suite's jobs whenever they get to it (before or after this point).
            got = _per_room([e for e in receiver.events() if e["room"] in rooms])
            return got, await _expected(session_factory, rooms)

        _, expected = await eventually(
            delivered_and_stored,
            check=lambda pair: pair[0] == pair[1],
            timeout=30,
            what="every event delivered in room order",
        )
        assert all(len(ids) >= 4 for ids in expected.values())  # created, 3 updates (+ started)
        for headers, body in receiver.received:
            assert verify(sub["secret"], headers, body)

        async def listed() -> list[dict[str, Any]]:
            page = (
                await api.get(f"/v1/event-subscriptions/{sub['id']}/deliveries", params={"limit": 100})
            ).json()
            return [d for d in page["items"] if d["room"] in rooms]

        # A receiver has an event a moment before the relay records the answer it gave.
        mine = await eventually(
            listed, check=lambda ds: all(d["status"] == "delivered" for d in ds), what="deliveries recorded"
        )
        retried = [d for d in mine if d["attempts"] > 1]
        assert retried and retried[0]["history"][0]["status_code"] == 503
        await api.delete(f"/v1/event-subscriptions/{sub['id']}")


async def _async(value: Any) -> Any:
    return value


async def test_kill_9_of_the_delivering_process_loses_nothing(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    env = stack_env | {"DATABASE_URL": isolated_db, "ROOMSVC_DELIVERY_LEASE": "3"}
    engine = create_engine(load_settings(env).database)
    factory = create_session_factory(engine)
    jobs = JobsProcess(env, "kill9")
    with Receiver() as receiver:
        async with make_client(DATABASE_URL=isolated_db) as client:
            await _subscribe(client, receiver.url)
            receiver.failing = True
            rooms = [f"{room_name}-{i}" for i in range(2)]
            for room in rooms:
                assert (
                    await client.post("/v1/rooms", json={"name": room, "creator": "o"})
                ).status_code == 201
                assert (await client.patch(f"/v1/rooms/{room}", json={"metadata": "x"})).status_code == 200
            jobs.start()

            async def mid_retry() -> int:
                async with factory() as session:
                    rows = (await session.execute(select(DeliveryAttempt.id))).all()
                    return len(rows)

            await eventually(mid_retry, check=lambda n: n >= 2, what="deliveries failing and being retried")
            jobs.kill9()  # mid-retry: leases held, nothing recorded for the in-flight sends
            receiver.failing = False
            async with factory() as session:
                pending = (
                    (await session.execute(select(EventDelivery).where(EventDelivery.status == "pending")))
                    .scalars()
                    .all()
                )
            assert len(pending) == 4
            jobs.start()
            try:
                expected = await _expected(factory, rooms)
                await eventually(
                    lambda: _async(_per_room(receiver.events())),
                    check=lambda got: got == expected,
                    timeout=30,
                    what="every event delivered after kill -9 and restart",
                )
            finally:
                jobs.stop()
    await engine.dispose()
    await asyncio.sleep(0)


async def test_two_delivering_processes_share_the_work_without_breaking_room_order(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    # The first relay fails deliveries while the second one starts (seconds on a loaded machine): the
    # subscription must not be disabled meanwhile (50 consecutive failures by default), which is not
    # what this test is about.
    env = stack_env | {"DATABASE_URL": isolated_db, "ROOMSVC_DELIVERY_DISABLE_AFTER": "100000"}
    engine = create_engine(load_settings(env).database)
    factory = create_session_factory(engine)
    relays = [JobsProcess(env, "relay-a"), JobsProcess(env, "relay-b")]
    with Receiver() as receiver:
        async with make_client(DATABASE_URL=isolated_db) as client:
            await _subscribe(client, receiver.url)
            receiver.failing = True  # everything queues up first, so both relays find work at once
            rooms = [f"{room_name}-{i}" for i in range(4)]
            for room in rooms:
                assert (
                    await client.post("/v1/rooms", json={"name": room, "creator": "o"})
                ).status_code == 201
                for n in range(3):
                    assert (
                        await client.patch(f"/v1/rooms/{room}", json={"metadata": str(n)})
                    ).status_code == 200
            for relay in relays:
                relay.start()
            try:
                await eventually(
                    lambda: _async(receiver.failures), check=lambda n: n >= 2, what="failed attempts"
                )
                receiver.failing = False
                expected = await _expected(factory, rooms)
                await eventually(
                    lambda: _async(_per_room(receiver.events())),
                    check=lambda got: got == expected,
                    timeout=30,
                    what="every event delivered, in room order, by two relays",
                )
                ids = [e["id"] for e in receiver.events()]
                assert len(ids) == len(set(ids))  # leases: no delivery was sent twice after a success
            finally:
                for relay in relays:
                    relay.stop()
    await engine.dispose()


async def test_a_committed_event_wakes_the_relay_instead_of_waiting_for_its_poll(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    """The API's commit that made a delivery due publishes on Redis (roomsvc.wake) and the jobs process
    wakes its relay: with a poll of ten minutes, each room's creation still reaches the receiver (the
    test's wait is far shorter than the poll)."""
    env = stack_env | {"DATABASE_URL": isolated_db, "ROOMSVC_JOBS_POLL_INTERVAL": "600"}
    jobs = JobsProcess(env, "wake")
    with Receiver() as receiver:
        async with make_client(DATABASE_URL=isolated_db) as client:
            await _subscribe(client, receiver.url, ["room.created"])
            offset = jobs.log_path.stat().st_size if jobs.log_path.exists() else 0
            jobs.start()
            try:
                await eventually(
                    lambda: _async(b"wake.listening" in jobs.log_path.read_bytes()[offset:]),
                    what="the jobs process listening for wake-ups",
                )
                for n in range(2):  # the second one after the relay's first pass is surely over
                    room = f"{room_name}-{n}"
                    created = await client.post("/v1/rooms", json={"name": room, "creator": "o"})
                    assert created.status_code == 201
                    await eventually(
                        lambda room=room: _async([e["room"] for e in receiver.events()]),
                        check=lambda got, room=room: room in got,
                        timeout=30,
                        what=f"{room}'s room.created delivered long before the relay's next poll",
                    )
            finally:
                jobs.stop()


async def test_an_appliers_only_process_wakes_the_relay_of_another(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    """`roomsvc jobs --only webhook-applier` runs no relay: the commits of its batches that made deliveries
    due publish on Redis, and a relay-only process with a ten-minute poll delivers their events."""
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory, utcnow
    from roomsvc.rooms.models import Room
    from roomsvc.webhooks.models import WebhookEvent

    env = stack_env | {"DATABASE_URL": isolated_db, "ROOMSVC_JOBS_POLL_INTERVAL": "600"}
    engine = create_engine(load_settings(env).database)
    factory = create_session_factory(engine)
    relay = JobsProcess(env, "wake-relay", only="delivery-relay")
    appliers = JobsProcess(env, "wake-appliers", only="webhook-applier")
    with Receiver() as receiver:
        async with make_client(DATABASE_URL=isolated_db) as client:
            await _subscribe(client, receiver.url, ["participant.joined"])
            assert (
                await client.post("/v1/rooms", json={"name": room_name, "creator": "o"})
            ).status_code == 201
        async with factory() as session:
            livekit_name = await session.scalar(select(Room.livekit_name).where(Room.name == room_name))
        offsets = [p.log_path.stat().st_size if p.log_path.exists() else 0 for p in (relay, appliers)]
        relay.start()
        appliers.start()
        try:
            for process, offset in zip((relay, appliers), offsets, strict=True):
                await eventually(
                    lambda p=process, o=offset: _async(b"wake.listening" in p.log_path.read_bytes()[o:]),
                    what=f"{process.log_path.name} listening for wake-ups",
                )
            now = int(time.time())
            for n in range(2):  # the second one after the relay's first pass is surely over
                identity = f"guest-{n}"
                event = {
                    "event": "participant_joined",
                    "id": f"EV_{uuid.uuid4().hex}",
                    "createdAt": str(now),
                    "room": {"sid": f"RM_{room_name}", "name": livekit_name},
                    "participant": {
                        "sid": f"PA_{uuid.uuid4().hex[:12]}",
                        "identity": identity,
                        "joinedAtMs": str(now * 1000),
                        "kind": "STANDARD",
                    },
                }
                async with factory() as session, session.begin():  # what intake stores
                    session.add(
                        WebhookEvent(
                            event_id=event["id"],
                            event_type=event["event"],
                            room_name=livekit_name,
                            room_sid=f"RM_{room_name}",
                            created_at_unix=now,
                            received_at=utcnow(),
                            attempts=0,
                            body=json.dumps(event),
                        )
                    )
                await eventually(
                    lambda identity=identity: _async(
                        [e["data"]["identity"] for e in receiver.events() if e["room"] == room_name]
                    ),
                    check=lambda got, identity=identity: identity in got,
                    timeout=30,
                    what=f"{identity}'s participant.joined delivered long before the relay's next poll",
                )
        finally:
            appliers.stop()
            relay.stop()
    await engine.dispose()
