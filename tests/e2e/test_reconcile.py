"""Reconciliation with webhooks blocked: real clients join and leave; records are right within an interval."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.clients import connected
from tests.stack import JobsProcess, PrivateLiveKit
from tests.support import eventually

pytestmark = pytest.mark.e2e
PORT = 7990


@pytest.fixture
def blind_livekit(settings: Any) -> Iterator[PrivateLiveKit]:
    server = PrivateLiveKit(settings, PORT, webhooks=False)  # every webhook is lost
    server.start()
    yield server
    server.stop()


async def test_reconciliation_repairs_records_when_webhooks_are_lost(
    blind_livekit: PrivateLiveKit,
    isolated_db: str,
    stack_env: dict[str, str],
    make_client: Any,
    livekit: Any,
    room_name: str,
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.livekit import LiveKitGateway

    overrides = {
        "DATABASE_URL": isolated_db,
        "LIVEKIT_URL": blind_livekit.url,
        "LIVEKIT_PUBLIC_URL": blind_livekit.ws_url,
    }
    jobs = JobsProcess(
        stack_env | overrides | {"ROOMSVC_RECONCILE_INTERVAL": "1", "ROOMSVC_RECONCILE_GRACE": "0"},
        "reconcile",
    )
    gateway = LiveKitGateway(load_settings(stack_env | overrides).livekit)
    async with make_client(**overrides) as client:
        assert (await client.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
        other = f"{room_name}-gone"
        assert (await client.post("/v1/rooms", json={"name": other, "creator": "o"})).status_code == 201
        token = (await client.post(f"/v1/rooms/{room_name}/participants", json={"identity": "zoe"})).json()

        async def call() -> dict[str, Any]:
            calls = (await client.get(f"/v1/rooms/{room_name}/calls")).json()["items"]
            return (await client.get(f"/v1/calls/{calls[0]['id']}")).json() if calls else {}

        jobs.start()
        try:
            async with connected(token["url"], token["token"]):
                repaired = await eventually(
                    call,
                    check=lambda c: len(c.get("participants", [])) == 1,
                    what="reconciler opening the missed session",
                )
                session = repaired["participants"][0]
                assert (
                    session["identity"] == "zoe"
                    and session["repaired"] is True
                    and session["left_at"] is None
                )
                assert repaired["repaired"] is True
                status = (await client.get(f"/v1/rooms/{room_name}")).json()["status"]
                assert status == "active"
            closed = await eventually(
                call,
                check=lambda c: c["participants"][0]["left_at"] is not None,
                what="reconciler closing the session after the client left",
            )
            assert closed["participants"][0]["disconnect_reason"] == "reconciled"
            member = (await client.get(f"/v1/rooms/{room_name}/participants/zoe")).json()
            assert member["state"] == "left"

            await gateway.delete_room(other)  # LiveKit loses the room; its room_finished webhook is lost too
            ended = await eventually(
                lambda: _room(client, other),
                check=lambda r: r["status"] == "ended",
                what="reconciler ending a room LiveKit no longer has",
            )
            assert "reconciled" in ended["end_reason"]
        finally:
            jobs.stop()
            await gateway.aclose()


async def _room(client: Any, name: str) -> dict[str, Any]:
    return (await client.get(f"/v1/rooms/{name}")).json()  # type: ignore[no-any-return]
