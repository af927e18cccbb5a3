"""/schema works offline (Swagger UI from our own static route), and /metrics and /demo can be switched
off; the demo's backend joins through the real API and never hands a caller credential to the browser."""

from __future__ import annotations

import re
import uuid
from typing import Any

import jwt
import msgspec
import pytest
from sqlalchemy import select

from roomsvc.events.models import Event
from tests.support import problem

ASSET = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']([^"']+)["']""")


async def test_schema_page_loads_swagger_ui_from_our_own_static_route(make_client: Any) -> None:
    async with make_client() as client:
        page = await client.get("/schema")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assets = ASSET.findall(page.text)
        assert len(assets) >= 4, assets  # css, bundle, preset, favicon
        assert all(a.startswith("/static/swagger/") for a in assets), assets
        assert "cdn." not in page.text and "jsdelivr" not in page.text
        for asset in assets:
            response = await client.get(asset)
            assert response.status_code == 200, asset
            assert len(response.content) > 500, asset
        assert (await client.get("/schema/openapi.json")).json()["info"]["title"] == "roomsvc"


async def test_metrics_and_demo_can_be_switched_off(make_client: Any) -> None:
    async with make_client(ROOMSVC_METRICS_ENABLED="false", ROOMSVC_DEMO_ENABLED="false") as client:
        assert (await client.get("/metrics")).status_code == 404
        assert (await client.get("/demo")).status_code == 404
        assert (await client.post("/demo/api/join", json={"room": "r", "identity": "i"})).status_code == 404
        assert (await client.get("/demo/assets/demo.js")).status_code == 404
        assert (await client.get("/schema")).status_code == 200
    async with make_client() as client:  # dev: both on; /metrics needs no caller token
        del client.headers["Authorization"]
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200 and "roomsvc_http_requests_total" in metrics.text
        assert (await client.get("/demo")).status_code == 200


@pytest.mark.usefixtures("api_server")  # the demo backend calls the API at ROOMSVC_PUBLIC_URL
async def test_demo_backend_joins_through_the_api_and_keeps_caller_secrets(
    make_client: Any, settings: Any, livekit: Any, session_factory: Any, room_name: str
) -> None:
    request_id = f"demo-{uuid.uuid4().hex}"
    async with make_client() as client:
        del client.headers["Authorization"]  # what a browser sends: no caller token
        joined = await client.post(
            "/demo/api/join",
            json={"room": room_name, "identity": "carol", "role": "owner"},
            headers={"X-Request-ID": request_id},
        )
        assert joined.status_code == 200, joined.text
        body = joined.json()
        assert set(body) == {"url", "token", "room", "identity", "role", "grants", "expires_at"}
        assert (body["room"], body["identity"], body["role"]) == (room_name, "carol", "owner")
        # The token is a LiveKit join token for this room, signed with the LiveKit secret; nothing in
        # the answer is a caller token or secret.
        claims = jwt.decode(body["token"], settings.livekit.api_secret, algorithms=["HS256"])
        assert claims["iss"] == settings.livekit.api_key and claims["video"]["room"] == room_name
        assert settings.caller_auth.dev_credential_secret not in joined.text
        assert settings.caller_auth.dev_credential_id not in joined.text

        listed = await client.get(f"/demo/api/rooms/{room_name}/participants")
        assert listed.status_code == 200, listed.text
        assert {(p["identity"], p["role"]) for p in listed.json()["items"]} == {("carol", "owner")}

        seats = await client.get(f"/demo/api/rooms/{room_name}/seats")
        assert seats.status_code == 200, seats.text
        assert isinstance(seats.json()["available"], bool)

        bad = await client.post("/demo/api/join", json={"room": "no spaces", "identity": "carol"})
        assert "room" in problem(bad, 400, "validation-failed")["detail"]
        missing = await client.get("/demo/api/rooms/no-such-room-demo/participants")
        problem(missing, 404, "room-not-found")

    assert [r.name for r in await livekit.list_rooms([room_name])] == [room_name]
    # The browser request's id travelled: demo backend -> API request -> the room.created event.
    async with session_factory() as session:
        rows = await session.execute(
            select(Event).where(Event.room_name == room_name, Event.type == "room.created")
        )
        assert [msgspec.json.decode(e.data).get("request_id") for e in rows.scalars()] == [request_id]


async def test_console_is_served_without_the_demo_and_loads_only_its_own_assets(make_client: Any) -> None:
    async with make_client(ROOMSVC_DEMO_ENABLED="false") as client:
        del client.headers["Authorization"]  # the page is static: the browser fetches it without a token
        page = await client.get("/console")
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assets = ASSET.findall(page.text)
        assert sorted(assets) == ["/console/assets/console.css", "/console/assets/console.js"], assets
        for asset in assets:
            response = await client.get(asset)
            assert response.status_code == 200, asset
            assert len(response.content) > 2_000, asset
        assert "http://" not in page.text and "https://" not in page.text  # no CDN
        # The data behind it is not static: without the operator's token the API refuses.
        assert (await client.get("/v1/me")).status_code == 401
