"""Reconciliation with webhooks blocked: real clients join and leave; records are right within an interval."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.clients import Tone, connected
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


async def test_reconcile_narrows_a_permission_widened_behind_roomsvcs_back(
    api: Any, livekit: Any, session_factory: Any, settings: Any, room_name: str
) -> None:
    """A muted member's LiveKit permission widened directly on LiveKit (as a stolen server credential
    would) is brought back to the effective one by one reconciliation pass, and its track is dropped."""
    from roomsvc.calls.jobs import completer
    from roomsvc.calls.reconcile import reconcile
    from roomsvc.livekit import Grants, Permission

    async def one_pass() -> Any:
        """One pass that looked at the room: a pass while the room's webhooks (the tone's track, the
        connections) are stored but not yet applied by the suite's `roomsvc jobs` leaves it alone
        (``deferred``), by design, so it is run again until one does not."""
        return await eventually(
            lambda: reconcile(
                session_factory, livekit, complete_pending=completer(settings.detection), rooms=[lk_room]
            ),
            check=lambda report: report.deferred == 0,
            what="a reconciliation pass that was not deferred",
        )

    body = {"name": room_name, "creator": "olivia", "call_type": "audio", "seats": 0}
    assert (await api.post("/v1/rooms", json=body)).status_code == 201
    member = (await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "wes"})).json()
    listener = (await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "lee"})).json()
    muted = await api.post(f"/v1/rooms/{room_name}/participants/wes/mute", json={"sources": ["microphone"]})
    assert muted.status_code == 200, muted.text
    lk_room = (await api.get(f"/v1/rooms/{room_name}")).json().get("livekit_name", room_name)
    narrow = Permission.normalized(can_subscribe=True, can_publish=False, can_publish_data=True)

    async with (
        connected(member["url"], member["token"]) as room,
        connected(listener["url"], listener["token"]) as ear,
    ):
        await eventually(
            lambda: livekit.get_participant(lk_room, "wes"),
            check=lambda p: p is not None and p.permission == narrow,
            what="the mute enforced on connect",
        )
        widened = Grants(
            can_subscribe=True, can_publish=True, can_publish_data=True, can_publish_sources=("microphone",)
        )
        await livekit.update_participant(lk_room, "wes", grants=widened)
        await eventually(lambda: _can_publish(room), what="the client seeing the widened permission")
        tone = Tone()
        await tone.publish(room)
        try:
            await eventually(lambda: _heard(ear, "wes"), what="the listener subscribed to the smuggled track")
            report = await one_pass()
            assert report.repairs.get("permissions_restored") == 1, report.repairs
            now = await livekit.get_participant(lk_room, "wes")
            assert now is not None and now.permission == narrow, now
            await eventually(
                lambda: livekit.get_participant(lk_room, "wes"),
                check=lambda p: p is not None and p.tracks == (),
                what="LiveKit dropping the track once the permission is narrowed",
            )
            await eventually(
                lambda: _heard(ear, "wes"), check=lambda heard: not heard, what="the listener losing it"
            )
            again = await one_pass()
            assert "permissions_restored" not in again.repairs  # nothing left to repair
        finally:
            await tone.stop()


async def _can_publish(room: Any) -> bool:
    return bool(room.local_participant.permissions.can_publish)


async def _heard(room: Any, identity: str) -> bool:
    participant = room.remote_participants.get(identity)
    return participant is not None and any(
        pub.subscribed and pub.track is not None for pub in participant.track_publications.values()
    )
