"""Event subscriptions: the secret is shown once, rotation, deletion, validation, events listing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import problem


async def test_subscription_crud(api: Any) -> None:
    created = await api.post(
        "/v1/event-subscriptions",
        json={
            "url": "http://127.0.0.1:9/hook",
            "description": "d",
            "event_types": ["room.*", "participant.joined"],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["status"] == "active"
    sub_id = body["id"]
    listed = (await api.get("/v1/event-subscriptions")).json()["items"]
    mine = next(s for s in listed if s["id"] == sub_id)
    assert mine["secret"] is None and mine["event_types"] == ["room.*", "participant.joined"]
    rotated = (await api.post(f"/v1/event-subscriptions/{sub_id}/rotate-secret")).json()
    assert rotated["secret"] and rotated["secret"] != body["secret"]
    problem(await api.post(f"/v1/event-subscriptions/{sub_id}/enable"), 409, "subscription-active")
    deleted = await api.delete(f"/v1/event-subscriptions/{sub_id}")
    assert deleted.json()["status"] == "deleted"
    problem(await api.get(f"/v1/event-subscriptions/{sub_id}"), 404, "subscription-not-found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://x"}, "url"),
        ({"url": "http://x", "event_types": ["Room!"]}, "event_types"),
        ({"url": "http://x", "event_types": []}, "event_types"),
    ],
)
async def test_subscription_validation(api: Any, body: dict[str, Any], field: str) -> None:
    assert (
        field
        in problem(await api.post("/v1/event-subscriptions", json=body), 400, "validation-failed")["detail"]
    )


async def test_events_need_events_scope(anon: Any, caller_token: Any) -> None:
    token = caller_token(scopes=["rooms:read"])
    problem(await anon.get("/v1/events", headers={"Authorization": f"Bearer {token}"}), 403, "missing-scope")


async def test_room_changes_are_listed_as_events(api: Any, room_name: str) -> None:
    await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})
    await api.patch(f"/v1/rooms/{room_name}", json={"metadata": "m2"})
    await api.post(f"/v1/rooms/{room_name}/end")
    items = (await api.get("/v1/events", params={"room": room_name})).json()["items"]
    types = [e["type"] for e in items if e["type"] != "room.started"]  # started comes from LiveKit's webhook
    assert types == ["room.ended", "room.updated", "room.created"]
    one = await api.get(f"/v1/events/{items[-1]['id']}")
    assert one.json()["data"]["creator"] == "o"
    problem(await api.get("/v1/events/evt_missing"), 404, "event-not-found")
