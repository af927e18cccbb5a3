"""The event catalogue at the API: filters are validated against it, and what a filter takes in.

A subscription filter entry is `*`, an event type, or `<prefix>.*` for a prefix some type has; anything
else (a typo would silently subscribe to nothing) is a 400 naming `event_types`. `GET /v1/events?type=`
takes only an event type. The deliveries listing shows which subscriptions an event was owed to.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support import problem

HOOK = "http://127.0.0.1:9/hook"  # nothing listens: deliveries stay pending or fail, and stay listed


async def _subscribe(api: Any, event_types: list[str]) -> dict[str, Any]:
    response = await api.post("/v1/event-subscriptions", json={"url": HOOK, "event_types": event_types})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _deliveries(api: Any, sub_id: str, *, limit: int = 100) -> list[dict[str, Any]]:
    """Every delivery of the subscription, page by page, newest first."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await api.get(f"/v1/event-subscriptions/{sub_id}/deliveries", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the deliveries listing never ended")


@pytest.mark.parametrize(
    ("event_types", "bad"),
    [
        (["participant.joind"], "participant.joind"),
        (["room.*", "rooms.*"], "rooms.*"),
        (["*", "moderation.kick"], "moderation.kick"),
        (["seat.taken", "seat_requests.*"], "seat_requests.*"),
    ],
)
async def test_unknown_event_type_in_a_filter_is_400_naming_the_field(
    api: Any, event_types: list[str], bad: str
) -> None:
    description = f"unknown-{uuid.uuid4().hex[:8]}"
    response = await api.post(
        "/v1/event-subscriptions",
        json={"url": HOOK, "description": description, "event_types": event_types},
    )
    body = problem(response, 400, "bad-request")
    assert body["field"] == "event_types", body
    assert "`event_types`" in body["detail"] and repr(bad) in body["detail"], body
    listed = (await api.get("/v1/event-subscriptions")).json()["items"]
    assert not [s for s in listed if s["description"] == description]  # nothing was stored


@pytest.mark.parametrize(
    "event_types",
    [["*"], ["room.*"], ["seat_request.*", "participant.joined"], ["detection.*", "egress.updated", "*"]],
)
async def test_prefixes_types_and_star_are_accepted(api: Any, event_types: list[str]) -> None:
    sub = await _subscribe(api, event_types)
    try:
        assert sub["event_types"] == event_types
        shown = (await api.get(f"/v1/event-subscriptions/{sub['id']}")).json()
        assert shown["event_types"] == event_types and shown["status"] == "active"
    finally:
        await api.delete(f"/v1/event-subscriptions/{sub['id']}")


async def test_an_event_is_owed_to_the_subscriptions_whose_filter_matches_it(
    api: Any, room_name: str
) -> None:
    by_prefix = await _subscribe(api, ["room.*"])
    by_other_type = await _subscribe(api, ["participant.joined"])
    star_among_others = await _subscribe(api, ["participant.left", "*"])
    try:
        assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201

        async def mine(sub: dict[str, Any]) -> list[str]:
            # room.started comes from LiveKit's webhook, whenever it arrives: left out.
            return [
                d["event_type"]
                for d in await _deliveries(api, sub["id"])
                if d["room"] == room_name and d["event_type"] != "room.started"
            ]

        assert await mine(by_prefix) == ["room.created"]
        assert await mine(by_other_type) == []
        assert await mine(star_among_others) == ["room.created"]
    finally:
        for sub in (by_prefix, by_other_type, star_among_others):
            await api.delete(f"/v1/event-subscriptions/{sub['id']}")


async def test_deliveries_page_newest_first_without_gaps_or_repeats(api: Any, room_name: str) -> None:
    sub = await _subscribe(api, ["room.created", "room.updated"])
    try:
        assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
        for n in range(4):
            response = await api.patch(f"/v1/rooms/{room_name}", json={"metadata": f"v{n}"})
            assert response.status_code == 200, response.text
        whole = [d for d in await _deliveries(api, sub["id"]) if d["room"] == room_name]
        mine = [d for d in await _deliveries(api, sub["id"], limit=2) if d["room"] == room_name]
        assert [d["event_id"] for d in mine] == [d["event_id"] for d in whole]
        assert [d["event_type"] for d in mine] == ["room.updated"] * 4 + ["room.created"]
        events = (await api.get("/v1/events", params={"room": room_name})).json()["items"]
        newest_first = [e["id"] for e in events if e["type"] in ("room.created", "room.updated")]
        assert [d["event_id"] for d in mine] == newest_first
    finally:
        await api.delete(f"/v1/event-subscriptions/{sub['id']}")


async def test_events_type_filter_takes_only_a_catalogued_type(api: Any, room_name: str) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    listed = await api.get("/v1/events", params={"room": room_name, "type": "room.created"})
    assert [e["type"] for e in listed.json()["items"]] == ["room.created"]
    body = problem(
        await api.get("/v1/events", params={"room": room_name, "type": "room.creatd"}),
        400,
        "validation-failed",
    )
    assert body["fields"] == ["type"] and "`type`" in body["detail"], body
    problem(await api.get("/v1/events/stream", params={"type": "room.*"}), 400, "validation-failed")
