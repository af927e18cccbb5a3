"""Fenced claims: two `roomsvc jobs` relays and a subscriber that answers a delivery's first attempt just
after the lease ran out. The lease is set shorter than the deadline here on purpose (in production it is
60 s against a 10 s deadline): it stands for a relay that outlived its lease, e.g. a stalled process.

The other relay (or the same one) claims the delivery again and it is delivered; the late answer of the
first attempt is then a failure written under a claim that is no longer the delivery's, so it changes
nothing. Without fencing, that late failure turned the delivered event back into `pending`: it was sent
again, after later events of its room had gone out.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery
from tests.receiver import LoopbackEndpoint, QuietHandler
from tests.stack import JobsProcess
from tests.support import eventually

pytestmark = pytest.mark.faults
LEASE = 1.5
LATE = LEASE + 1.0  # the first attempt at each event is answered this long after it arrived


class LateFirstAnswer(LoopbackEndpoint):
    """Answers the first request for each event id after LATE seconds with 503; every later one at once
    with 200. ``accepted`` lists the event ids it acknowledged, in order."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.accepted: list[dict[str, Any]] = []
        self.late_answers = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                event = json.loads(body)
                with outer._lock:
                    outer.requests[event["id"]] += 1
                    first = outer.requests[event["id"]] == 1
                if first:
                    time.sleep(LATE)
                    self.send_response(503)
                    with outer._lock:
                        outer.late_answers += 1
                else:
                    with outer._lock:
                        outer.accepted.append(event)
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._serve(Handler)

    def per_room(self) -> dict[str, list[str]]:
        with self._lock:
            order: dict[str, list[str]] = {}
            for event in self.accepted:
                order.setdefault(event["room"], []).append(event["id"])
            return order


async def _value(value: Any) -> Any:
    return value


async def test_a_relay_past_its_lease_cannot_undo_a_delivery(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    env = stack_env | {
        "DATABASE_URL": isolated_db,
        "ROOMSVC_DELIVERY_LEASE": str(LEASE),
        "ROOMSVC_EVENT_TIMEOUT": "6",
        "ROOMSVC_DELIVERY_BACKOFF_BASE": "0.2",
        "ROOMSVC_DELIVERY_BACKOFF_CAP": "0.5",
    }
    engine = create_engine(load_settings(env).database)
    factory = create_session_factory(engine)
    relays = [JobsProcess(env, "fence-a"), JobsProcess(env, "fence-b")]
    rooms = [f"{room_name}-{i}" for i in range(3)]
    with LateFirstAnswer() as subscriber:
        async with make_client(DATABASE_URL=isolated_db) as client:
            response = await client.post(
                "/v1/event-subscriptions", json={"url": subscriber.url, "event_types": ["room.*"]}
            )
            assert response.status_code == 201, response.text
            for room in rooms:
                assert (
                    await client.post("/v1/rooms", json={"name": room, "creator": "o"})
                ).status_code == 201
                for n in range(2):
                    patch = await client.patch(f"/v1/rooms/{room}", json={"metadata": str(n)})
                    assert patch.status_code == 200
        async with factory() as session:
            rows = (
                await session.execute(
                    select(Event.room_name, Event.public_id)
                    .where(Event.room_name.in_(rooms))
                    .order_by(Event.id)
                )
            ).all()
        expected: dict[str, list[str]] = {}
        for room, event_id in rows:
            expected.setdefault(room, []).append(event_id)
        log_start = {r.log_path: r.log_path.stat().st_size if r.log_path.exists() else 0 for r in relays}

        async def late_outcomes() -> int:
            """Late answers the relays have dealt with: refused as stale (a log line), or written."""
            stale = sum(
                path.read_bytes()[start:].count(b"event.delivery_stale") for path, start in log_start.items()
            )
            async with factory() as session:
                written = (
                    await session.execute(
                        select(DeliveryAttempt.id).where(DeliveryAttempt.status_code == 503)
                    )
                ).all()
            return stale + len(written)

        for relay in relays:
            relay.start()
        try:
            await eventually(
                lambda: _value(subscriber.per_room()),
                check=lambda got: {r: list(dict.fromkeys(ids)) for r, ids in got.items()} == expected,
                timeout=60,
                what="every event acknowledged",
            )

            async def settled() -> list[Any]:
                async with factory() as session:
                    return list((await session.execute(select(EventDelivery.status))).scalars())

            await eventually(
                settled, check=lambda s: set(s) == {"delivered"}, what="every delivery recorded delivered"
            )
            await eventually(
                late_outcomes, check=lambda n: n >= len(rows), timeout=30, what="every late answer handled"
            )
        finally:
            for relay in relays:
                relay.stop()
        async with factory() as session:
            attempts = (
                await session.execute(select(DeliveryAttempt.delivery_id, DeliveryAttempt.status_code))
            ).all()
            statuses = list((await session.execute(select(EventDelivery.status))).scalars())
    await engine.dispose()
    # The lease did run out under every first attempt: each event was requested at least twice.
    assert all(subscriber.requests[e] >= 2 for ids in expected.values() for e in ids), subscriber.requests
    # No event acknowledged twice, and each room's events acknowledged in the order they were emitted.
    assert subscriber.per_room() == expected
    # The stale relays' late 503s were written nowhere: one attempt per delivery, the 200.
    assert set(statuses) == {"delivered"}
    assert sorted(code for _, code in attempts) == [200] * len(rows)
    assert len({delivery for delivery, _ in attempts}) == len(rows)
