"""The demo page in headless Chromium: two browser participants join one room through the page and each
sees (and receives) the other's tracks; a detection alert sent on `roomsvc.detection` shows up live, and
one forged by a participant on the same topic does not. Leaves a screenshot at artifacts/demo-two-participants.png."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.calls.models import RoomSession, Track
from roomsvc.rooms.models import Room
from tests.e2e.clients import connected
from tests.stack import ARTIFACTS, ROOT
from tests.support import eventually

pytestmark = pytest.mark.e2e

WEB = ROOT / "web"
SCREENSHOT = ARTIFACTS / "demo-two-participants.png"


ALERT = {
    "type": "detection.alert",
    "identity": "bob",
    "kind": "audio",
    "score": 0.97,
    "model": {"name": "audio-baseline"},
    "action": "none",
}


FORGED = ALERT | {"identity": "alice", "score": 0.99, "action": "kicked"}


async def _forge(api: Any, room: str) -> None:
    """A participant (a real rtc client with a join token) publishes a fake alert on the detection topic
    to alice: the page must not show it, because it has a sender."""
    joined = await api.post(f"/v1/rooms/{room}/participants", json={"identity": "mallory"})
    assert joined.status_code == 201, joined.text
    async with connected(joined.json()["url"], joined.json()["token"]) as mallory:
        # A few times: a packet published the moment a client connects can be lost before its data
        # channel is up (the page then waits for at least one).
        for _ in range(4):
            await mallory.local_participant.publish_data(
                json.dumps(FORGED).encode(),
                reliable=True,
                destination_identities=["alice"],
                topic="roomsvc.detection",
            )
            await asyncio.sleep(0.5)


async def _run_browsers(base_url: str, room: str, livekit: Any, api: Any) -> tuple[int, dict[str, Any], str]:
    """Run the two-browser script; when it reports everyone connected, a participant forges an alert to
    alice, then roomsvc sends her a real one through LiveKit's server API (our gateway's SendData), as
    the detection alert path does."""
    node = shutil.which("node")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    assert node and chromium, "node and chromium are needed (`make test` installs them: scripts/stack.sh)"
    assert (WEB / "node_modules" / "playwright-core").is_dir(), "web/node_modules missing: run `make test`"
    assert (WEB / "dist" / "demo" / "index.html").is_file(), "web/dist not built: run `make test`"
    args = ["--base-url", base_url, "--room", room, "--screenshot", str(SCREENSHOT)]
    args += ["--expect-alert", "--expect-forged"]
    process = await asyncio.create_subprocess_exec(
        node,
        "e2e/two_participants.mjs",
        *args,
        cwd=WEB,
        env=os.environ | {"CHROMIUM": chromium},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=1 << 20,  # the final line carries both pages' state
    )
    assert process.stdout is not None and process.stderr is not None
    lines: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(150):
            while line := await process.stdout.readline():
                if not line.startswith(b"{"):
                    continue
                lines.append(json.loads(line))
                if lines[-1].get("stage") == "connected":
                    await _forge(api, room)
                    payload = json.dumps(ALERT).encode()
                    await livekit.send_data(
                        room, payload, topic="roomsvc.detection", destination_identities=["alice"]
                    )
            returncode = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = (await process.stderr.read()).decode(errors="replace")[-2000:]
    return returncode, lines[-1] if lines else {}, stderr


async def test_two_browser_participants_see_each_other(
    api_server: str, api: Any, livekit: Any, session_factory: Any, room_name: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    returncode, result, stderr = await _run_browsers(api_server, room_name, livekit, api)
    assert returncode == 0 and result.get("ok"), (result, stderr)

    states = {page["identity"]: page["state"] for page in result["pages"]}
    assert set(states) == {"alice", "bob"}
    for me, other in (("alice", "bob"), ("bob", "alice")):
        state = states[me]
        assert state["connection"] == "connected"
        remote_video = [v for v in state["videos"] if not v["local"] and v["identity"] == other]
        assert remote_video and remote_video[0]["width"] > 0 and remote_video[0]["height"] > 0, state
        assert {"kind": "audio", "identity": other, "source": "microphone"} in state["remoteTracks"], state
        assert {(r["identity"], r["role"]) for r in state["participantRows"]} >= {
            ("alice", "owner"),
            ("bob", "admin"),
        }  # and mallory, the forger (below), once the panel refreshed after she joined

    # The detection alert reached alice (an owner) live and is on her page; bob was not addressed.
    # The forged one reached her too, and was not shown: it had a sender (mallory).
    assert [a["payload"] for a in states["alice"]["alerts"]] == [ALERT]
    ignored = [(a["from"], json.loads(a["payload"])) for a in states["alice"]["ignoredAlerts"]]
    assert ignored and set(map(str, ignored)) == {str(("mallory", FORGED))}
    assert not any("kicked" in line for line in states["alice"]["alertLines"])
    assert states["alice"]["alertLines"] and "audio on bob score 0.97" in states["alice"]["alertLines"][0]
    assert states["bob"]["alerts"] == []

    assert SCREENSHOT.is_file() and SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert SCREENSHOT.stat().st_size > 20_000

    # LiveKit's own account (its signed track_published webhooks, recorded by the API): both browsers
    # published a camera and a microphone in this room.
    async def published() -> set[tuple[str, str]]:
        async with session_factory() as session:
            rows = await session.execute(
                select(Track.identity, Track.source)
                .join(RoomSession, RoomSession.id == Track.room_session_id)
                .join(Room, Room.id == RoomSession.room_id)
                .where(Room.name == room_name)
            )
            return {(identity, source) for identity, source in rows}

    expected = {(who, source) for who in ("alice", "bob") for source in ("camera", "microphone")}
    await eventually(published, check=lambda got: expected <= got, what="track_published webhooks recorded")
