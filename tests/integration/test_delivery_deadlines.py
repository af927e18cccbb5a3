"""Deadlines and caps on every send: a subscriber that drips its answer a byte at a time, one that sends
`100 Continue` forever, and one that answers with an endless gzip body each end as a failed attempt
within ROOMSVC_EVENT_TIMEOUT, hold at most ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY sends at once, and
never stop a healthy subscriber's events (each outcome is recorded as soon as its send ends)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from tests.hostile import Hostile
from tests.receiver import Receiver
from tests.support import delivering, eventually, per_room

RELAY = {
    "ROOMSVC_EVENT_TIMEOUT": "2",
    "ROOMSVC_DELIVERY_CONCURRENCY": "4",
    "ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY": "2",
    "ROOMSVC_DELIVERY_BACKOFF_BASE": "0.2",
    "ROOMSVC_DELIVERY_BACKOFF_CAP": "1",
    "ROOMSVC_DELIVERY_LEASE": "30",
    "ROOMSVC_JOBS_POLL_INTERVAL": "0.05",
}
EXPECTED_ERROR = {"drip": (None, "timeout"), "continue": (None, "timeout"), "gzip-bomb": (500, "http-error")}


async def _value(value: Any) -> Any:
    return value


@pytest.mark.parametrize("kind", ["drip", "continue", "gzip-bomb"])
async def test_a_hostile_subscriber_fails_within_the_deadline_and_the_others_keep_flowing(
    kind: str, isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    settings = load_settings(stack_env | {"DATABASE_URL": isolated_db} | RELAY)
    engine = create_engine(settings.database)
    factory = create_session_factory(engine)
    rooms = [f"{room_name}-{i}" for i in range(4)]
    async with Hostile(kind) as hostile:
        with Receiver() as healthy:
            async with make_client(DATABASE_URL=isolated_db) as client:
                for url in (hostile.url, healthy.url):
                    response = await client.post(
                        "/v1/event-subscriptions", json={"url": url, "event_types": ["room.*"]}
                    )
                    assert response.status_code == 201, response.text
                for room in rooms:  # four rooms: four heads for the hostile subscriber, only two in flight
                    assert (
                        await client.post("/v1/rooms", json={"name": room, "creator": "o"})
                    ).status_code == 201
                    for n in range(3):
                        patch = await client.patch(f"/v1/rooms/{room}", json={"metadata": str(n)})
                        assert patch.status_code == 200
            async with factory() as session:
                rows = (
                    await session.execute(select(Event.room_name, Event.public_id).order_by(Event.id))
                ).all()
            expected: dict[str, list[str]] = {}
            for room, event_id in rows:
                expected.setdefault(room, []).append(event_id)

            async with delivering(factory, settings):
                await eventually(
                    lambda: _value(per_room(healthy.events())),
                    check=lambda got: got == expected,
                    timeout=30,
                    what="every event at the healthy subscriber, in room order",
                )

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
                                    .where(EventSubscription.url == hostile.url)
                                )
                            ).all()
                        )

                attempts = await eventually(hostile_attempts, timeout=30, what="a hostile attempt recorded")
        async with factory() as session:
            statuses = (
                (
                    await session.execute(
                        select(EventDelivery.status)
                        .join(EventSubscription, EventSubscription.id == EventDelivery.subscription_id)
                        .where(EventSubscription.url == hostile.url)
                    )
                )
                .scalars()
                .all()
            )
    await engine.dispose()
    assert {tuple(a) for a in attempts} == {EXPECTED_ERROR[kind]}
    assert "delivered" not in statuses
    assert 1 <= hostile.most_open <= 2  # ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY, of 4 send slots
    assert hostile.requests and all(h["accept-encoding"] == "identity" for h in hostile.requests)
