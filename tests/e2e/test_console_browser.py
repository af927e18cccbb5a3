"""The operator console (/console) in headless Chromium, against real LiveKit clients.

A real rtc client joins a room and publishes a microphone tone; a second one subscribes and counts the
audio frames it receives. The browser signs in with a token from `roomsvc console-token`, finds the room
and the participant, and mutes the participant from the UI. The second client then sees the track go and
no more frames arrive, LiveKit holds no track, and the audit log names the operator; the console shows
the audit entry, the call's timeline chart, the live event feed and a room's detection scores. Bad tokens
(expired, garbage) show the API's problem detail on the sign-in page.

Leaves a 1280x800 screenshot of each view in artifacts/console-*.png (docs/console.md shows them).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from livekit import rtc

from roomsvc.detection import registry
from tests.e2e.clients import Tone, connected
from tests.stack import ARTIFACTS, ROOT
from tests.support import eventually

pytestmark = pytest.mark.e2e

WEB = ROOT / "web"
OPERATOR = "console-op"
VIEWS = ("signin-error", "rooms", "room", "call", "events", "detection")


def _console_token(stack_env: dict[str, str]) -> str:
    """What an operator runs: `roomsvc console-token`, against the test database."""
    done = subprocess.run(
        [sys.executable, "-m", "roomsvc", "console-token", "--project", "default", "--operator", OPERATOR],
        env=stack_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert token.count(".") == 2 and "\n" not in token, done.stdout
    return token


class FrameCounter:
    """Counts the audio frames a subscribed client receives from one participant's microphone."""

    def __init__(self, room: rtc.Room, identity: str) -> None:
        self.frames = 0
        self.subscribed = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._identity = identity
        room.on("track_subscribed", self._on_subscribed)
        for participant in room.remote_participants.values():
            for publication in participant.track_publications.values():
                if publication.track is not None:
                    self._on_subscribed(publication.track, publication, participant)

    def _on_subscribed(self, track: Any, publication: Any, participant: Any) -> None:
        if participant.identity != self._identity or track.kind != rtc.TrackKind.KIND_AUDIO:
            return
        self.subscribed.set()
        task = asyncio.create_task(self._count(track))
        self._tasks.add(task)

    async def _count(self, track: rtc.Track) -> None:
        stream = rtc.AudioStream(track)
        try:
            async for _ in stream:
                self.frames += 1
        finally:
            await stream.aclose()

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _microphones(room: rtc.Room, identity: str) -> list[str]:
    participant = next((p for p in room.remote_participants.values() if p.identity == identity), None)
    if participant is None:
        return []
    return [
        pub.sid
        for pub in participant.track_publications.values()
        if pub.source == rtc.TrackSource.SOURCE_MICROPHONE
    ]


async def _seed_detection(api: httpx.AsyncClient, worker: httpx.AsyncClient, room: str) -> None:
    """A room whose detector reported scores (through the worker's own API, as the real worker does)."""
    created = await api.post(
        "/v1/rooms",
        json={
            "name": room,
            "creator": "owner-1",
            "call_type": "audio",
            "detection": {"enabled": True, "policy": "notify"},
        },
    )
    assert created.status_code == 201, created.text
    sid = created.json()["livekit_sid"]
    models = (await api.get("/v1/detection/models", params={"kind": "audio", "active": "true"})).json()[
        "items"
    ]
    model = models[0]
    report = {
        "job_id": "AJ_console",
        "agent_identity": "roomsvc-detector-AJ_console",
        "room_sid": sid,
        "tracks": [
            {
                "track_sid": "TR_mallory",
                "identity": "mallory",
                "participant_sid": "PA_mallory",
                "kind": "audio",
            },
            {"track_sid": "TR_bob", "identity": "bob", "participant_sid": "PA_bob", "kind": "audio"},
        ],
        "models": {"audio": {"id": model["id"], "name": model["name"], "version": model["version"]}},
        "model_status": {"audio": "loaded", "video": "no video model"},
    }
    reported = await worker.post(f"/v1/rooms/{room}/detection/report", json=report)
    assert reported.status_code == 204, reported.text
    suspicious, alert = model["thresholds"]["suspicious"], model["thresholds"]["alert"]
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=3)
    windows = []
    for n in range(40):
        at = start + dt.timedelta(seconds=4 * n)
        rising = min(0.98, 0.15 + 0.022 * n)
        for identity, score in (("mallory", rising), ("bob", 0.1 + 0.05 * ((n * 7) % 5) / 4)):
            state = "alert" if score >= alert else "suspicious" if score >= suspicious else "clear"
            windows.append(
                {
                    "identity": identity,
                    "participant_sid": f"PA_{identity}",
                    "track_sid": f"TR_{identity}",
                    "kind": "audio",
                    "window_start": at.isoformat(),
                    "window_end": (at + dt.timedelta(seconds=4)).isoformat(),
                    "score": score,
                    "smoothed_score": score,
                    "state": state,
                    "model_id": model["id"],
                }
            )
    batch = {"job_id": "AJ_console", "room_sid": sid, "windows": windows}
    stored = await worker.post(f"/v1/rooms/{room}/detections", json=batch)
    assert stored.status_code == 200 and stored.json()["stored"] == len(windows), stored.text


@pytest.fixture
async def worker(api_server: str, settings: Any, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
    token = caller_token(
        scopes=["detection"],
        credential_id=settings.detection.worker_credential_id,
        secret=settings.detection.worker_credential_secret,
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as client:
        yield client


async def _run_console(args: list[str], on_muted: Any = None) -> tuple[int, dict[str, Any], str]:
    """web/e2e/console.mjs with ``args``; ``on_muted`` (if given) runs when it reports the mute."""
    node = shutil.which("node")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    assert node and chromium, "node and chromium are needed (`make test` installs them: scripts/stack.sh)"
    assert (WEB / "dist" / "console" / "index.html").is_file(), "web/dist not built: run `make test`"
    process = await asyncio.create_subprocess_exec(
        node,
        "e2e/console.mjs",
        *args,
        cwd=WEB,
        env=os.environ | {"CHROMIUM": chromium},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=1 << 20,
    )
    assert process.stdout is not None and process.stderr is not None
    last: dict[str, Any] = {}
    checked: asyncio.Task[Any] | None = None
    try:
        async with asyncio.timeout(180):
            while line := await process.stdout.readline():
                if not line.startswith(b"{"):
                    continue
                last = json.loads(line)
                if last.get("stage") == "muted" and on_muted is not None:
                    checked = asyncio.create_task(on_muted())
            returncode = await process.wait()
            if checked is not None:
                await checked
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        if checked is not None and not checked.done():
            checked.cancel()
    stderr = (await process.stderr.read()).decode(errors="replace")[-2000:]
    if returncode == 0 and on_muted is not None:
        assert checked is not None, "the console never reported the mute"
    return returncode, last, stderr


async def test_console_signs_in_mutes_a_live_participant_and_charts_the_call(
    api_server: str,
    api: httpx.AsyncClient,
    worker: httpx.AsyncClient,
    livekit: Any,
    jobs_process: Any,
    stack_env: dict[str, str],
    caller_token: Any,
    room_name: str,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for view in (*VIEWS, "failure"):
        (ARTIFACTS / f"console-{view}.png").unlink(missing_ok=True)
    token = _console_token(stack_env)
    expired = caller_token(ttl=-600)
    detection_room = f"{room_name}-det"
    await _seed_detection(api, worker, detection_room)
    # An endpoint that refuses (nothing listens on port 9): the mute's delivery fails and is listed.
    subscribed = await api.post(
        "/v1/event-subscriptions",
        json={"url": "http://127.0.0.1:9/console-hook", "event_types": ["participant.muted"]},
    )
    assert subscribed.status_code == 201, subscribed.text
    subscription = subscribed.json()["id"]
    try:
        await _console_session(
            api, livekit, api_server, token, expired, room_name, detection_room, subscription
        )
    finally:
        assert (await api.delete(f"/v1/event-subscriptions/{subscription}")).status_code == 200


async def _console_session(
    api: httpx.AsyncClient,
    livekit: Any,
    api_server: str,
    token: str,
    expired: str,
    room_name: str,
    detection_room: str,
    subscription: str,
) -> None:

    created = await api.post("/v1/rooms", json={"name": room_name, "creator": "host", "call_type": "audio"})
    assert created.status_code == 201, created.text
    joins = {}
    for identity in ("speaker", "listener"):
        joined = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": identity})
        assert joined.status_code == 201, joined.text
        joins[identity] = joined.json()

    async with (
        connected(joins["speaker"]["url"], joins["speaker"]["token"]) as speaker,
        connected(joins["listener"]["url"], joins["listener"]["token"]) as listener,
    ):
        counter = FrameCounter(listener, "speaker")
        tone = Tone()
        try:
            await tone.publish(speaker)
            await asyncio.wait_for(counter.subscribed.wait(), 20)
            await eventually(
                lambda: asyncio.sleep(0, counter.frames), check=lambda n: n > 20, what="audio frames"
            )

            async def after_mute() -> int:
                """The listener loses the speaker's microphone; LiveKit holds no track of theirs."""
                await eventually(
                    lambda: asyncio.sleep(0, _microphones(listener, "speaker")),
                    check=lambda sids: sids == [],
                    timeout=20,
                    what="the listener losing the speaker's microphone",
                )
                await eventually(
                    lambda: livekit.get_participant(room_name, "speaker"),
                    check=lambda p: p is not None and not p.tracks,
                    what="LiveKit removing the muted track",
                )

                # The track is gone: what was buffered drains, then no frame arrives any more.
                async def new_frames() -> int:
                    before = counter.frames
                    await asyncio.sleep(1.0)
                    return counter.frames - before

                await eventually(new_frames, check=lambda n: n == 0, timeout=20, what="audio frames stopping")
                return counter.frames

            args = [
                "--base-url", api_server,
                "--token", token,
                "--expired-token", expired,
                "--operator", OPERATOR,
                "--room", room_name,
                "--identity", "speaker",
                "--detection-room", detection_room,
                "--subscription", subscription,
                "--shots", str(ARTIFACTS),
            ]  # fmt: skip
            returncode, result, stderr = await _run_console(args, after_mute)
        finally:
            await tone.stop()
            await counter.aclose()
    assert returncode == 0 and result.get("ok"), (result, stderr)
    assert result["console"] == [], result["console"]  # no script error, no uncaught rejection

    # Sign-in: refused tokens show the API's problem detail, and nothing is kept; the real one names
    # the project and the operator.
    assert "expired" in result["signin"]["expired"].lower(), result["signin"]
    assert "not a well-formed JWT" in result["signin"]["garbage"], result["signin"]
    assert result["signin"]["stored"] == []
    assert result["me"]["operator"] == OPERATOR and result["me"]["project"] == "default"
    assert result["me"]["expires"].startswith("in "), result["me"]

    # Rooms and room: both clients connected; the speaker's microphone, then the mute from the UI.
    assert {"room": room_name, "live": "2"} in result["rooms"], result["rooms"]
    assert result["before"] == {"role": "member", "connection": "connected", "tracks": ["microphone"]}
    assert result["after"]["tracks"] == [] and "microphone" in result["after"]["muted"], result["after"]
    assert result["audit"][0]["action"] == "mute" and result["audit"][0]["actor"] == OPERATOR, result["audit"]
    assert any("speaker" in row and "microphone" in row for row in result["mutes"]), result["mutes"]
    # One time format everywhere: 24 h with seconds, as on the charts' axes.
    audit_text = " ".join(row["text"] for row in result["audit"])
    assert re.search(r"\d\d:\d\d:\d\d", audit_text), audit_text
    assert not re.search(r"\d\d:\d\d:\d\d\s*[AP]M", audit_text), audit_text

    # The API agrees: muted, and the audit entry names the operator (the console token's `sub`).
    status = (await api.get(f"/v1/rooms/{room_name}/participants/speaker/moderation")).json()
    assert status["is_muted"] is True and status["muted_sources"] == ["microphone"], status
    audit = (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]
    assert (audit[0]["action"], audit[0]["actor"], audit[0]["target"]) == ("mute", OPERATOR, "speaker")
    assert audit[0]["reason"] == "console e2e"

    # The call timeline: two uPlot charts with labelled axes (time of day; a count; the participants),
    # ticks as times of day, one bar row per session.
    timeline = result["timeline"]
    for chart in (timeline["participants"], timeline["sessions"]):
        assert chart["canvas"]["width"] > 600 and chart["canvas"]["height"] > 100, chart
        assert chart["axisLabels"][0] == "time of day (hh:mm:ss)", chart
        assert re.search(r"\b\d\d:\d\d:\d\d\b", chart["ticks"][0]), chart
        times = re.findall(r"\d\d:\d\d:\d\d", chart["ticks"][0])
        assert len(times) == len(set(times)), chart  # whole-second steps: no two ticks read the same
    assert timeline["participants"]["axisLabels"][1] == "participants (count)"
    assert timeline["sessions"]["axisLabels"][1] == "participant"
    assert set(timeline["sessions"]["ticks"][1].split()) == {"listener", "speaker"}, timeline
    assert sorted(timeline["rows"]) == ["listener", "speaker"]

    # Events (the mute, live or listed) and detection (a chart per scored track, thresholds in its legend).
    assert "participant.muted" in result["events"]
    assert any("participant.muted" in row for row in result["subscription"]["failures"]), result
    assert "scheduled to 1 subscription" in result["subscription"]["redelivered"], result
    deliveries = (await api.get(f"/v1/event-subscriptions/{subscription}/deliveries")).json()["items"]
    assert [d["event_type"] for d in deliveries] == ["participant.muted"], deliveries
    charts = {c["identity"]: c for c in result["detection"]["charts"]}
    assert set(charts) == {"mallory", "bob"}
    assert "score (0-1)" in charts["mallory"]["axisLabels"]
    assert any(label.startswith("alert ≥") for label in charts["mallory"]["legend"]), charts["mallory"]
    # The shipped model shows the rates its card declares.
    card = next(c for c in registry.builtin_cards() if c.kind == "audio")
    declared = registry.builtin_validation(card.uri, card.sha256)
    assert declared is not None and declared.eer is not None
    shipped = next(m for m in result["detection"]["models"] if m["model"] == f"{card.name}@{card.version}")
    shown = re.search(r"EER (\d+\.\d)%", shipped["validation"])
    assert shown and abs(float(shown[1]) - declared.eer * 100) <= 0.051, shipped
    assert "at alert:" in shipped["validation"], shipped

    for view in VIEWS:
        png = ARTIFACTS / f"console-{view}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
        assert png.stat().st_size > 10_000, png


async def test_console_records_a_room_and_plays_the_recording(
    api: httpx.AsyncClient,
    api_server: str,
    stack_env: dict[str, str],
    recorder: Any,
    room_name: str,
) -> None:
    """A real client publishes a tone and `roomsvc recorder` runs (tests/conftest.py `recorder`, as in
    test_recording.py). From the room view the console starts a room_audio recording (a second start
    shows the 409 detail), stops it, finds it ready in the Recordings view, plays it (the page's <audio>
    loads a finite duration from the file fetched with the token), and deletes it."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "console-recordings.png").unlink(missing_ok=True)
    token = _console_token(stack_env)
    created = await api.post("/v1/rooms", json={"name": room_name, "creator": "host", "call_type": "audio"})
    assert created.status_code == 201, created.text
    joined = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "speaker"})
    assert joined.status_code == 201, joined.text
    try:
        async with connected(joined.json()["url"], joined.json()["token"]) as speaker:
            tone = Tone(440.0)
            await tone.publish(speaker)
            try:
                args = [
                    "--scenario", "recordings",
                    "--base-url", api_server,
                    "--token", token,
                    "--room", room_name,
                    "--shots", str(ARTIFACTS),
                ]  # fmt: skip
                returncode, result, stderr = await _run_console(args)
            finally:
                await tone.stop()
    finally:
        await api.post(f"/v1/rooms/{room_name}/end")
    assert returncode == 0 and result.get("ok"), (result, stderr)
    assert result["console"] == [], result["console"]  # no script error, no uncaught rejection

    recording = result["recording"]
    assert "Every participant is told" in result["startDialog"], result["startDialog"]
    assert result["started"] == f"started {recording} (room audio)", result["started"]
    # The second start: the API's 409 `detail`, naming the running recording.
    assert f"Recording {recording} (room_audio) is already running" in result["conflict"], result["conflict"]
    assert result["panelState"] == "ready"

    # What the console showed is what roomsvc reported when the recording became ready (its events
    # outlive the deleted recording).
    events = (
        await api.get("/v1/events", params={"room": room_name, "type": "recording.ready", "limit": 10})
    ).json()["items"]
    [ready] = [e["data"] for e in events if e["data"]["recording_id"] == recording]
    [file] = ready["files"]
    assert ready["kind"] == "room_audio" and not ready["partial"] and ready["duration_s"] > 2.0, ready
    listed = result["list"]
    assert listed["state"] == "ready" and listed["duration"] == f"{ready['duration_s']:.1f} s", listed
    assert listed["files"] == [f"mix · ready · {file['sha256'][:12]}"], listed
    assert result["rooms"] == [recording]  # the room filter
    assert result["otherRoom"].startswith(f"No recordings in {room_name}-other"), result["otherRoom"]

    # Playback from the page: metadata loaded from a blob: URL, the duration the file has, the bytes
    # hashing to the reported sha256.
    playback = result["playback"]
    assert playback["file"] == file["id"] and playback["error"] is None, playback
    assert playback["src"].startswith("blob:"), playback
    assert playback["readyState"] >= 1 and abs(playback["duration"] - file["duration_s"]) <= 0.5, playback
    assert playback["verified"] == "true" and playback["sha"] == file["sha256"][:12], playback

    # Deleted from the console: gone from the API, and the player's object URL was revoked.
    assert result["deleted"] == f"deleted {recording}"
    assert result["revoked"] is True
    assert (await api.get(f"/v1/recordings/{recording}")).status_code == 404
    png = ARTIFACTS / "console-recordings.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000, png
