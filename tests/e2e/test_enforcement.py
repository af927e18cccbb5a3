"""Stale tokens: every reduction (mute, seat loss, demotion, ownership transfer) holds against a client that
reconnects with the join token it got *before* the change (self-hosted LiveKit does not revoke tokens).

Each case: mint a token, make the change through the API while the client is away, reconnect with the old
token and publish the microphone at once. roomsvc's ``participant_joined`` enforcement must bring LiveKit's
permission to the effective one, LiveKit must drop (or refuse) the track, and a listening client must get
no more frames of it. The time from connect to LiveKit's permission changing is written to
``artifacts/enforcement-timing.json`` (docs/architecture.md, "Enforcement timing"); nothing asserts on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from livekit import rtc
from sqlalchemy import select

from tests.e2e.clients import Tone, connected, falls_silent
from tests.support import eventually

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
TIMINGS: list[dict[str, Any]] = []


async def _room(api: Any, name: str, **extra: Any) -> None:
    body = {"name": name, "creator": "olivia", "call_type": "audio", "seats": 0} | extra
    response = await api.post("/v1/rooms", json=body)
    assert response.status_code == 201, response.text


async def _join(api: Any, room: str, identity: str, role: str | None = None) -> dict[str, Any]:
    """A join token; with no ``role`` an identity keeps the role it has (a newcomer is a member)."""
    body = {"identity": identity} | ({"role": role} if role else {})
    response = await api.post(f"/v1/rooms/{room}/participants", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _ok(response: Awaitable[Any]) -> dict[str, Any]:
    answer = await response
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def _effective(session_factory: Any, room_name: str, identity: str) -> Any:
    """The permission roomsvc says ``identity`` should hold now (role + seat + mutes + room flags)."""
    from roomsvc.livekit import Permission
    from roomsvc.moderation import permissions
    from roomsvc.rooms.models import Room

    async with session_factory() as session:
        room = (await session.execute(select(Room).where(Room.name == room_name))).scalar_one()
        return Permission.of(await permissions.live_grants(session, room, identity)), room.livekit_name


@dataclass
class Frames:
    """Counts the audio frames one client receives from ``identity`` (the arrival time of each)."""

    identity: str
    arrivals: list[float] = field(default_factory=list)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def attach(self, room: rtc.Room) -> None:
        room.on("track_subscribed", self._subscribed)

    def _subscribed(self, track: rtc.Track, _pub: Any, participant: rtc.RemoteParticipant) -> None:
        if participant.identity == self.identity and isinstance(track, rtc.RemoteAudioTrack):
            task = asyncio.create_task(self._count(track))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _count(self, track: rtc.RemoteAudioTrack) -> None:
        stream = rtc.AudioStream(track)
        try:
            async for _event in stream:
                self.arrivals.append(time.monotonic())
        finally:
            await stream.aclose()

    def since(self, moment: float) -> int:
        return sum(1 for t in self.arrivals if t > moment)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _enforced_after(
    livekit: Any, lk_room: str, identity: str, wanted: Any, started: float, timeout: float = 15.0
) -> float:
    """Poll LiveKit until ``identity``'s permission equals ``wanted``; seconds since ``started``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        participant = await livekit.get_participant(lk_room, identity)
        if participant is not None:
            last = participant.permission
            if last == wanted:
                return time.monotonic() - started
        await asyncio.sleep(0.02)
    raise AssertionError(f"LiveKit's permission of {identity} never became {wanted}; last {last}")


async def _stale_token_cannot_publish(
    api: Any,
    livekit: Any,
    session_factory: Any,
    room_name: str,
    identity: str,
    stale_token: dict[str, Any],
    case: str,
) -> None:
    """Reconnect ``identity`` with ``stale_token`` and publish the microphone at once; assert it ends with
    the effective permission (no microphone), no track in LiveKit, and no frames at a listener."""
    wanted, lk_room = await _effective(session_factory, room_name, identity)
    assert "microphone" not in wanted.can_publish_sources, wanted  # the change took the microphone away
    listener = await _join(api, room_name, f"listener-{case}", "audience")
    frames = Frames(identity)
    async with connected(listener["url"], listener["token"]) as listening:
        frames.attach(listening)
        stale = rtc.Room()
        started = time.monotonic()
        await stale.connect(stale_token["url"], stale_token["token"])
        connected_after = time.monotonic() - started
        # Polled from now on, alongside the publish attempt (a refused publish can take seconds to fail).
        enforcement = asyncio.create_task(_enforced_after(livekit, lk_room, identity, wanted, started))
        tone = Tone()
        try:
            # The old token still says "publish": try before roomsvc has had a chance to react.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(tone.publish(stale), 5)
            enforced_after = await enforcement
            live = await livekit.get_participant(lk_room, identity)
            assert "microphone" not in live.permission.can_publish_sources
            await eventually(
                lambda: livekit.get_participant(lk_room, identity),
                check=lambda p: p is not None and p.tracks == (),
                what="LiveKit dropping the stale publisher's track",
            )
            await falls_silent(listening, identity, frames.since)
            quiet_from = time.monotonic()
            # A second try, now that the permission is re-asserted, must be refused too.
            again = Tone(330)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(again.publish(stale), 5)
            await asyncio.sleep(1.5)
            assert frames.since(quiet_from) == 0, f"{frames.since(quiet_from)} frames after enforcement"
            assert (await livekit.get_participant(lk_room, identity)).tracks == ()
            await again.stop()
        finally:
            enforcement.cancel()
            await tone.stop()
            await frames.aclose()
            await stale.disconnect()
    TIMINGS.append(
        {"case": case, "connected_s": round(connected_after, 3), "enforced_s": round(enforced_after, 3)}
    )


async def test_mute_holds_against_a_token_minted_before_it(
    api: Any, livekit: Any, session_factory: Any, jobs_process: Any, room_name: str
) -> None:
    await _room(api, room_name)
    stale = await _join(api, room_name, "mia")
    assert "microphone" in stale["grants"]["can_publish_sources"]
    await _ok(
        api.post(
            f"/v1/rooms/{room_name}/participants/mia/mute",
            json={"sources": ["microphone"], "duration": "1h", "reason": "noise"},
        )
    )
    await _stale_token_cannot_publish(api, livekit, session_factory, room_name, "mia", stale, "mute")
    status = await _ok(api.get(f"/v1/rooms/{room_name}/participants/mia/moderation"))
    assert status["is_muted"] is True


async def test_seat_loss_holds_against_a_token_minted_while_seated(
    api: Any, livekit: Any, session_factory: Any, jobs_process: Any, room_name: str
) -> None:
    await _room(api, room_name, seats=2, seat_mode="free")
    await _join(api, room_name, "sam", "audience")
    await _ok(api.post(f"/v1/rooms/{room_name}/seats/0/take", json={"identity": "sam"}))
    stale = await _join(api, room_name, "sam", "audience")  # minted while seated: may publish
    assert stale["grants"]["can_publish"] is True
    await _ok(api.post(f"/v1/rooms/{room_name}/seats/0/kick", json={"reason": "time's up"}))
    await _stale_token_cannot_publish(api, livekit, session_factory, room_name, "sam", stale, "seat_loss")


async def test_demotion_holds_against_an_admin_token(
    api: Any, livekit: Any, session_factory: Any, jobs_process: Any, room_name: str
) -> None:
    await _room(api, room_name, seats=2, seat_mode="free")
    await _join(api, room_name, "ada")
    await _ok(api.post(f"/v1/rooms/{room_name}/participants/ada/role", json={"role": "admin"}))
    stale = await _join(api, room_name, "ada")  # an admin token: publishes without a seat
    assert stale["grants"]["can_publish"] is True
    await _ok(api.post(f"/v1/rooms/{room_name}/participants/ada/role", json={"role": "member"}))
    await _stale_token_cannot_publish(api, livekit, session_factory, room_name, "ada", stale, "demotion")


async def test_ownership_transfer_holds_against_the_previous_owners_token(
    api: Any, livekit: Any, session_factory: Any, jobs_process: Any, room_name: str
) -> None:
    await _room(api, room_name, seats=2, seat_mode="free")
    stale = await _join(api, room_name, "olivia")  # the owner's token
    assert stale["grants"]["can_publish"] is True
    nora_before = await _join(api, room_name, "nora", "audience")
    assert nora_before["grants"]["can_publish"] is False
    await _ok(api.post(f"/v1/rooms/{room_name}/owner", json={"identity": "nora", "actor": "olivia"}))
    # The new owner takes the old owner's powers away; the old owner token must not bring them back.
    await _ok(
        api.post(f"/v1/rooms/{room_name}/participants/olivia/role", json={"role": "member", "actor": "nora"})
    )
    await _stale_token_cannot_publish(api, livekit, session_factory, room_name, "olivia", stale, "transfer")

    # The same check widens: nora's audience token (no publishing) connects with the owner's rights.
    wanted, lk_room = await _effective(session_factory, room_name, "nora")
    assert "microphone" in wanted.can_publish_sources
    # Its track reaches a listener: the frame counter the cases above rely on does count frames.
    listener = await _join(api, room_name, "listener-nora", "audience")
    frames = Frames("nora")
    async with (
        connected(listener["url"], listener["token"]) as listening,
        connected(nora_before["url"], nora_before["token"]) as nora,
    ):
        frames.attach(listening)
        await _enforced_after(livekit, lk_room, "nora", wanted, time.monotonic())
        tone = Tone(550)
        try:
            await tone.publish(nora)
            await eventually(lambda: _count(frames), check=lambda n: n > 0, what="the listener hearing nora")
        finally:
            await tone.stop()
            await frames.aclose()


async def _count(frames: Frames) -> int:
    return len(frames.arrivals)


async def test_enforcement_timing_at_idle(
    api: Any, livekit: Any, session_factory: Any, jobs_process: Any, room_name: str
) -> None:
    """Reconnect a muted member with its pre-mute token a few times; record connect → enforcement."""
    await _room(api, room_name)
    stale = await _join(api, room_name, "tim")
    await _ok(api.post(f"/v1/rooms/{room_name}/participants/tim/mute", json={"sources": ["microphone"]}))
    wanted, lk_room = await _effective(session_factory, room_name, "tim")
    assert wanted.can_publish is False
    for _ in range(10):
        room = rtc.Room()
        started = time.monotonic()
        await room.connect(stale["url"], stale["token"])
        connected_after = time.monotonic() - started
        try:
            enforced_after = await _enforced_after(livekit, lk_room, "tim", wanted, started)
        finally:
            await room.disconnect()
        TIMINGS.append(
            {"case": "idle", "connected_s": round(connected_after, 3), "enforced_s": round(enforced_after, 3)}
        )
        await eventually(
            lambda: livekit.get_participant(lk_room, "tim"), check=lambda p: p is None, what="tim gone"
        )
    _write_timings()


def _write_timings() -> None:
    enforced = sorted(t["enforced_s"] for t in TIMINGS)
    summary = {
        "n": len(enforced),
        "min_s": enforced[0],
        "median_s": statistics.median(enforced),
        "max_s": enforced[-1],
        "runs": TIMINGS,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "enforcement-timing.json").write_text(json.dumps(summary, indent=2))
