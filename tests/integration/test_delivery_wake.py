"""The delivery relay claims new work while sends are in flight, when a commit wakes it (roomsvc.wake).

A subscriber that takes its whole deadline keeps the relay in its wait for sends in flight. Before,
that wait ended only when a send ended or after ``ROOMSVC_JOBS_POLL_INTERVAL``, so an event for a
healthy subscriber committed meanwhile waited for the slow one. Here the poll interval is 600 s and the
slow subscriber answers after 60 s, so only the wake-up (the API's commit → Redis → the relay's wake
event) can bring the second event to the healthy subscriber within the test's wait.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from roomsvc.events.jobs import deliver_due
from roomsvc.scheduler import cancel_until_done
from tests.hostile import Hostile
from tests.receiver import Receiver
from tests.support import eventually

RELAY = {
    "ROOMSVC_EVENT_TIMEOUT": "90",
    "ROOMSVC_DELIVERY_LEASE": "200",
    "ROOMSVC_JOBS_POLL_INTERVAL": "600",
}


async def _value(value: Any) -> Any:
    return value


async def test_a_committed_event_is_claimed_while_a_slow_subscriber_holds_its_send(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc import wake
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    settings = load_settings(stack_env | {"DATABASE_URL": isolated_db} | RELAY)
    engine = create_engine(settings.database)
    factory = create_session_factory(engine)
    relay_wake = asyncio.Event()
    async with Hostile("slow", interval=60) as slow:
        with Receiver() as healthy:
            async with make_client(DATABASE_URL=isolated_db, **RELAY) as client:
                for url in (slow.url, healthy.url):
                    response = await client.post(
                        "/v1/event-subscriptions", json={"url": url, "event_types": ["room.*"]}
                    )
                    assert response.status_code == 201, response.text
                created = await client.post("/v1/rooms", json={"name": room_name, "creator": "o"})
                assert created.status_code == 201, created.text

                listener = asyncio.create_task(
                    wake.listen(settings.redis.url, {wake.DELIVERIES_DUE: relay_wake.set})
                )

                async def relay() -> None:
                    async with httpx.AsyncClient() as http:
                        while True:  # as the scheduler runs it: again at once only when woken
                            relay_wake.clear()
                            await deliver_due(
                                factory,
                                http=http,
                                settings=settings.jobs,
                                master_key=settings.secret_key,
                                wake=relay_wake,
                            )
                            await relay_wake.wait()

                relaying = asyncio.create_task(relay())
                try:
                    # room.created reaches the healthy subscriber; the slow one holds its send for 60 s.
                    await eventually(
                        lambda: _value([e["type"] for e in healthy.events()]),
                        check=lambda types: types == ["room.created"],
                        timeout=30,
                        what="room.created at the healthy subscriber",
                    )
                    await eventually(
                        lambda: _value(slow.open), check=lambda n: n == 1, timeout=30, what="the slow send"
                    )
                    patched = await client.patch(f"/v1/rooms/{room_name}", json={"metadata": "after"})
                    assert patched.status_code == 200, patched.text
                    got = await eventually(
                        lambda: _value([e["type"] for e in healthy.events()]),
                        check=lambda types: len(types) == 2,
                        timeout=30,
                        what="the second event at the healthy subscriber while the slow send is in flight",
                    )
                    assert got == ["room.created", "room.updated"]
                    assert slow.open == 1 and len(slow.requests) == 1  # still in its first send
                finally:
                    await cancel_until_done([relaying, listener])
    await engine.dispose()
