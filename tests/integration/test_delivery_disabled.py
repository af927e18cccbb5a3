"""A disabled subscription keeps its events queued (unsent) and sends them, in room order, once enabled
again; what queued longer than ROOMSVC_DELIVERY_MAX_AGE is given up unsent (`expired`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from roomsvc.db import utcnow
from roomsvc.events.models import Event, EventDelivery
from tests.receiver import Receiver
from tests.support import delivering, eventually, per_room

RELAY = {
    "ROOMSVC_DELIVERY_DISABLE_AFTER": "1",
    "ROOMSVC_DELIVERY_BACKOFF_BASE": "0.2",
    "ROOMSVC_DELIVERY_BACKOFF_CAP": "0.5",
    "ROOMSVC_JOBS_POLL_INTERVAL": "0.05",
}


async def _value(value: Any) -> Any:
    return value


async def test_events_emitted_while_disabled_go_out_on_enable_and_old_ones_expire(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    settings = load_settings(stack_env | {"DATABASE_URL": isolated_db} | RELAY)
    engine = create_engine(settings.database)
    factory = create_session_factory(engine)
    before, during, aged = (f"{room_name}-{suffix}" for suffix in ("before", "during", "aged"))

    async def events_of(room: str) -> list[str]:
        async with factory() as session:
            return list(
                (
                    await session.execute(
                        select(Event.public_id).where(Event.room_name == room).order_by(Event.id)
                    )
                ).scalars()
            )

    async def make_room(client: Any, room: str) -> None:
        assert (await client.post("/v1/rooms", json={"name": room, "creator": "o"})).status_code == 201
        for n in range(2):
            assert (await client.patch(f"/v1/rooms/{room}", json={"metadata": str(n)})).status_code == 200

    with Receiver() as receiver:
        async with make_client(DATABASE_URL=isolated_db) as client:
            sub = (
                await client.post(
                    "/v1/event-subscriptions", json={"url": receiver.url, "event_types": ["room.*"]}
                )
            ).json()
            receiver.failing = True
            await make_room(client, before)
            async with delivering(factory, settings):
                await eventually(
                    lambda: _subscription(client, sub["id"]),
                    check=lambda s: s["status"] == "disabled",
                    what="the subscription disabled after a failed delivery",
                )
                # Disabled: these events are owed to it all the same, and wait unsent.
                await make_room(client, during)
                await make_room(client, aged)
                aged_events = await events_of(aged)
                async with factory() as session, session.begin():
                    # The first event of this room queued longer than ROOMSVC_DELIVERY_MAX_AGE ago.
                    await session.execute(
                        update(EventDelivery)
                        .where(
                            EventDelivery.event_id
                            == select(Event.id).where(Event.public_id == aged_events[0]).scalar_subquery()
                        )
                        .values(created_at=utcnow() - dt.timedelta(days=2))
                    )
                queued = (await client.get(f"/v1/event-subscriptions/{sub['id']}/deliveries")).json()["items"]
                waiting = {d["event_id"]: d for d in queued if d["room"] in (during, aged)}
                assert set(waiting) == set(await events_of(during)) | set(aged_events)
                assert all(d["status"] == "pending" and d["attempts"] == 0 for d in waiting.values())
                receiver.failing = False
                enabled = await client.post(f"/v1/event-subscriptions/{sub['id']}/enable")
                assert enabled.status_code == 200, enabled.text
                expected = {
                    before: await events_of(before),
                    during: await events_of(during),
                    aged: aged_events[1:],
                }
                await eventually(
                    lambda: _value(per_room(receiver.events())),
                    check=lambda got: got == expected,
                    timeout=30,
                    what="every queued event sent after enable, in room order, the expired one left out",
                )
            listing = (await client.get(f"/v1/event-subscriptions/{sub['id']}/deliveries")).json()["items"]
    await engine.dispose()
    expired = next(d for d in listing if d["event_id"] == aged_events[0])
    assert (expired["status"], expired["last_error"], expired["attempts"]) == ("failed", "expired", 0)
    assert aged_events[0] not in {e["id"] for e in receiver.events()}


async def _subscription(client: Any, public_id: str) -> dict[str, Any]:
    return (await client.get(f"/v1/event-subscriptions/{public_id}")).json()  # type: ignore[no-any-return]
