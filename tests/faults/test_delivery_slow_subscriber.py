"""A slow subscriber cannot slow the others: a `roomsvc jobs` relay drains a backlog to a healthy
subscriber, first alone, then with a hostile subscriber attached that drips its answer one byte every
half second. The hostile one's attempts end as `timeout` at the deadline and hold at most
ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY connections; the healthy one gets every event in room order.

It prints the healthy subscriber's delivery throughput in both phases (same relay process, same
machine) and writes them to artifacts/delivery-throughput.txt; docs/events.md quotes a run.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.events.models import DeliveryAttempt, EventDelivery, EventSubscription
from tests.hostile import Hostile
from tests.receiver import LoopbackEndpoint, QuietHandler
from tests.stack import ARTIFACTS, JobsProcess
from tests.support import emit_room_updates, eventually, per_room

pytestmark = pytest.mark.faults
ROOMS = 50
PER_ROOM = 30
CONCURRENCY = 64  # the defaults: 64 send slots per relay, a quarter of them per subscription
SUBSCRIPTION_CAP = 16


class Timed(LoopbackEndpoint):
    """A healthy subscriber: answers 204 at once and notes when each event arrived."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, dict[str, Any]]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self) -> None:
                event = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                with outer._lock:
                    outer.arrivals.append((time.monotonic(), event))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._serve(Handler)

    def of(self, rooms: set[str]) -> list[tuple[float, dict[str, Any]]]:
        with self._lock:
            return [(t, e) for t, e in self.arrivals if e["room"] in rooms]


async def _value(value: Any) -> Any:
    return value


class _Arrivals(list[tuple[float, dict[str, Any]]]):
    """What the healthy subscriber got of one backlog; in a failure its repr sums it up, not 1,500 events."""

    def __init__(self, items: list[tuple[float, dict[str, Any]]], expected: dict[str, list[str]]) -> None:
        super().__init__(items)
        self.expected = expected

    def __repr__(self) -> str:
        got = per_room([event for _, event in self])
        complete = sum(got.get(room) == ids for room, ids in self.expected.items())
        disordered = sorted(room for room, ids in got.items() if ids != self.expected[room][: len(ids)])
        return (
            f"<{len(self)} arrivals, {len({e['id'] for _, e in self})} distinct; {complete} of "
            f"{len(self.expected)} rooms complete; rooms out of order: {disordered[:5]}>"
        )


# What the relay logs when it stalls (a turn's database work over a second, a late event loop, a failed
# job): quoted in a failure, so that CI's output says where the time went.
STALL_MARKERS = ('"relay.turn", "level": "info"', "event_loop.blocked", "job.failed", "job.conflict")


async def _drain(factory: Any, subscriber: Timed, prefix: str, relay: JobsProcess) -> float:
    """Queue a backlog, wait until the healthy subscriber has it all in room order; events per second."""
    queued = time.monotonic()
    # ROOMS x PER_ROOM events committed in one transaction.
    expected = await emit_room_updates(factory, prefix, rooms=ROOMS, per_room=PER_ROOM)
    started = time.monotonic()
    print(f"{prefix}: queued in {started - queued:.1f} s")
    total = ROOMS * PER_ROOM

    try:
        arrivals = await eventually(
            lambda: _value(_Arrivals(subscriber.of(set(expected)), expected)),
            check=lambda got: len(got) >= total and per_room([e for _, e in got]) == expected,
            timeout=120,
            interval=0.05,
            what=f"{total} events at the healthy subscriber, in room order",
        )
    except AssertionError as exc:
        stalls = relay.log_lines(*STALL_MARKERS)
        raise AssertionError(
            f"{exc}\n{len(stalls)} stall lines in {relay.log_path.name}, the last ones:\n"
            + "\n".join(stalls[-8:])
        ) from None
    rate = total / (max(t for t, _ in arrivals) - started)
    print(f"{prefix}: {rate:.0f} events/s")
    return rate


@pytest.mark.timeout(300)
async def test_a_dripping_subscriber_does_not_slow_the_healthy_one(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    env = stack_env | {
        "DATABASE_URL": isolated_db,
        "ROOMSVC_EVENT_TIMEOUT": "5",
        "ROOMSVC_DELIVERY_LEASE": "30",  # well above the deadline, as in production (60 s against 10 s)
        "ROOMSVC_DELIVERY_CONCURRENCY": str(CONCURRENCY),
        "ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY": str(SUBSCRIPTION_CAP),
        "ROOMSVC_DELIVERY_DISABLE_AFTER": "100000",  # stays attached for the whole measurement
    }
    engine = create_engine(load_settings(env).database)
    factory = create_session_factory(engine)
    relay = JobsProcess(env, "slow-subscriber")
    async with Hostile("drip", interval=0.5) as hostile:
        with Timed() as healthy:
            async with make_client(DATABASE_URL=isolated_db) as client:
                created = await client.post(
                    "/v1/event-subscriptions", json={"url": healthy.url, "event_types": ["room.*"]}
                )
                assert created.status_code == 201, created.text
                relay.start()
                try:
                    await _drain(factory, healthy, f"{room_name}-warmup", relay)
                    alone: list[float] = []
                    attached: list[float] = []
                    hostile_ids: list[str] = []
                    for round_ in range(2):  # alternate, so that drift in the machine's load evens out
                        alone.append(await _drain(factory, healthy, f"{room_name}-alone{round_}", relay))
                        created = await client.post(
                            "/v1/event-subscriptions", json={"url": hostile.url, "event_types": ["room.*"]}
                        )
                        assert created.status_code == 201, created.text
                        hostile_ids.append(created.json()["id"])
                        attached.append(await _drain(factory, healthy, f"{room_name}-hostile{round_}", relay))
                        # Detached (its pending deliveries cancelled) for the next round's baseline.
                        assert (
                            await client.delete(f"/v1/event-subscriptions/{hostile_ids[-1]}")
                        ).status_code == 200

                    async def hostile_attempts() -> list[Any]:
                        async with factory() as session:
                            return list(
                                (
                                    await session.execute(
                                        select(DeliveryAttempt.status_code, DeliveryAttempt.error)
                                        .join(EventDelivery, EventDelivery.id == DeliveryAttempt.delivery_id)
                                        .join(
                                            EventSubscription,
                                            EventSubscription.id == EventDelivery.subscription_id,
                                        )
                                        .where(EventSubscription.public_id.in_(hostile_ids))
                                    )
                                ).all()
                            )

                    attempts = await eventually(
                        hostile_attempts, timeout=30, what="hostile attempts recorded"
                    )
                finally:
                    relay.stop()
    await engine.dispose()
    alone_rate, attached_rate = sum(alone) / len(alone), sum(attached) / len(attached)
    figures = (
        f"healthy subscriber, {ROOMS} rooms x {PER_ROOM} events per run, one `roomsvc jobs`: "
        f"alone {alone_rate:.0f} events/s (runs: {', '.join(f'{r:.0f}' for r in alone)}); "
        f"with a dripping subscriber attached {attached_rate:.0f} events/s "
        f"(runs: {', '.join(f'{r:.0f}' for r in attached)}); {(attached_rate / alone_rate - 1) * 100:+.1f}%"
    )
    print("\n" + figures)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "delivery-throughput.txt").write_text(figures + "\n")
    assert {tuple(a) for a in attempts} == {(None, "timeout")}
    assert 1 <= hostile.most_open <= SUBSCRIPTION_CAP
