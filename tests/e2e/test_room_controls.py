"""Room-wide controls with real clients: what a member sees when the room's audio or data is switched off.

A member publishing the microphone loses the track the moment ``audio_disabled`` is switched on, and a
listener stops receiving its frames, while an admin in the same room keeps publishing. The member's
join token minted *before* the change does not bring the microphone back on reconnect
(``participant_joined`` enforcement). ``data_disabled`` stops its data messages (chat) reaching anyone.
Switching the controls off again restores both live. Every participant gets the
``room.controls_changed`` notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from livekit import rtc

from tests.e2e.clients import Tone, connected, falls_silent
from tests.support import eventually, make_admin

pytestmark = pytest.mark.e2e
NOTICE_TOPIC = "roomsvc.notice"
CHAT_TOPIC = "lk.chat"


async def _join(api: Any, room: str, identity: str, role: str | None = None) -> dict[str, Any]:
    body = {"identity": identity} | ({"role": role} if role else {})
    response = await api.post(f"/v1/rooms/{room}/participants", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _controls(api: Any, room: str, **switches: Any) -> dict[str, Any]:
    response = await api.patch(f"/v1/rooms/{room}/controls", json={"actor": "olivia", **switches})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@dataclass
class Listener:
    """What one client receives: audio frame arrival times per identity, data messages per topic."""

    frames: dict[str, list[float]] = field(default_factory=dict)
    data: list[tuple[str, str, bytes]] = field(default_factory=list)  # (identity, topic, payload)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def attach(self, room: rtc.Room) -> None:
        room.on("track_subscribed", self._subscribed)
        room.on("data_received", self._data)

    def _data(self, packet: rtc.DataPacket) -> None:
        sender = packet.participant.identity if packet.participant else ""
        self.data.append((sender, packet.topic or "", packet.data))

    def _subscribed(self, track: rtc.Track, _pub: Any, participant: rtc.RemoteParticipant) -> None:
        if isinstance(track, rtc.RemoteAudioTrack):
            task = asyncio.create_task(self._count(participant.identity, track))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _count(self, identity: str, track: rtc.RemoteAudioTrack) -> None:
        stream = rtc.AudioStream(track)
        arrivals = self.frames.setdefault(identity, [])
        try:
            async for _event in stream:
                arrivals.append(time.monotonic())
        finally:
            await stream.aclose()

    def frames_since(self, identity: str, moment: float) -> int:
        return sum(1 for t in self.frames.get(identity, []) if t > moment)

    def chat_from(self, identity: str) -> list[bytes]:
        return [payload for sender, topic, payload in self.data if sender == identity and topic == CHAT_TOPIC]

    def notices(self) -> list[dict[str, Any]]:
        return [json.loads(payload) for _, topic, payload in self.data if topic == NOTICE_TOPIC]

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _tracks(livekit: Any, room: str, identity: str) -> tuple[Any, ...] | None:
    participant = await livekit.get_participant(room, identity)
    return None if participant is None else participant.tracks


async def _frames_flowing(listener: Listener, identity: str) -> None:
    start = time.monotonic()
    await eventually(
        lambda: _value(listener.frames_since(identity, start)),
        what=f"{identity}'s audio reaching the listener",
    )


async def _value(value: Any) -> Any:
    return value


async def _chat_refused(speaker: rtc.Room, listener: Listener, identity: str, text: bytes) -> None:
    with contextlib.suppress(Exception):  # the SDK may raise, or the server drop it
        await asyncio.wait_for(speaker.local_participant.publish_data(text, topic=CHAT_TOPIC), 5)
    await asyncio.sleep(1.5)  # time for the server to (wrongly) forward it
    assert text not in listener.chat_from(identity)


async def _chat_arrives(speaker: rtc.Room, listener: Listener, identity: str, text: bytes) -> None:
    async def sent_and_seen() -> bool:
        if text not in listener.chat_from(identity):
            await speaker.local_participant.publish_data(text, topic=CHAT_TOPIC)
            await asyncio.sleep(0.3)
        return text in listener.chat_from(identity)

    await eventually(sent_and_seen, what=f"{identity}'s chat message arriving")


async def test_room_audio_and_data_controls_hold_live_and_against_old_tokens(
    api: Any, livekit: Any, jobs_process: Any, room_name: str
) -> None:
    created = await api.post(
        "/v1/rooms", json={"name": room_name, "creator": "olivia", "call_type": "audio", "seats": 0}
    )
    assert created.status_code == 201, created.text
    await make_admin(api, room_name, "ada", owner="olivia")
    old = await _join(api, room_name, "mia")  # minted before any control: microphone and data
    assert old["grants"]["can_publish_sources"] == ["microphone"] and old["grants"]["can_publish_data"]
    admin = await _join(api, room_name, "ada")
    watcher = await _join(api, room_name, "lis", "audience")

    listener = Listener()
    member_notices = Listener()
    async with (
        connected(watcher["url"], watcher["token"]) as listening,
        connected(admin["url"], admin["token"]) as admin_room,
    ):
        listener.attach(listening)
        admin_tone = Tone(660)
        await admin_tone.publish(admin_room)
        member = rtc.Room()
        member_notices.attach(member)
        await member.connect(old["url"], old["token"])
        member_tone = Tone(440)
        try:
            await member_tone.publish(member)
            await _frames_flowing(listener, "mia")
            await _frames_flowing(listener, "ada")
            await _chat_arrives(member, listener, "mia", b"hello before")

            # Audio off for members: mia's track goes, ada's stays, mia cannot publish again.
            controls = await _controls(api, room_name, audio_disabled=True, reason="speaker only")
            assert controls["audio_disabled"] is True
            await eventually(
                lambda: _tracks(livekit, room_name, "mia"),
                check=lambda t: t == (),
                what="LiveKit removing mia's microphone",
            )
            assert not (await livekit.get_participant(room_name, "mia")).permission.can_publish
            await falls_silent(listening, "mia", lambda moment: listener.frames_since("mia", moment))
            await _frames_flowing(listener, "ada")
            assert await _tracks(livekit, room_name, "ada")
            again = Tone(330)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(again.publish(member), 5)
            await asyncio.sleep(1.0)
            assert not await _tracks(livekit, room_name, "mia")
            await again.stop()
            await eventually(
                lambda: _value([n for n in member_notices.notices() if n["type"] == "room.controls_changed"]),
                what="mia receiving the room.controls_changed notice",
            )
            (notice,) = [n for n in member_notices.notices() if n["type"] == "room.controls_changed"]
            assert notice["changed"] == ["audio"] and notice["controls"]["audio_disabled"] is True
            assert notice["room"] == room_name and notice["reason"] == "speaker only"
        finally:
            await member_tone.stop()
            await member.disconnect()

        # Back with the token minted before the control: still no microphone.
        stale = rtc.Room()
        await stale.connect(old["url"], old["token"])
        stale_tone = Tone(550)
        try:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(stale_tone.publish(stale), 5)
            await eventually(
                lambda: livekit.get_participant(room_name, "mia"),
                check=lambda p: p is not None and not p.permission.can_publish and p.tracks == (),
                what="enforcement taking the old token's microphone",
            )
            await falls_silent(listening, "mia", lambda moment: listener.frames_since("mia", moment))

            # Data off: mia's chat no longer reaches anyone; the admin's still does.
            await _controls(api, room_name, data_disabled=True)
            await eventually(
                lambda: livekit.get_participant(room_name, "mia"),
                check=lambda p: p is not None and not p.permission.can_publish_data,
                what="LiveKit taking mia's data permission",
            )
            await _chat_refused(stale, listener, "mia", b"hello while disabled")
            await _chat_arrives(admin_room, listener, "ada", b"admins still chat")

            # Both back on: mia publishes and chats again on the same connection.
            await _controls(api, room_name, audio_disabled=False, data_disabled=False)
            await eventually(
                lambda: _value(stale.local_participant.permissions.can_publish),
                what="mia's permission restored live",
            )
            restored = Tone(770)
            await restored.publish(stale)
            await eventually(lambda: _tracks(livekit, room_name, "mia"), what="mia publishing again")
            await _frames_flowing(listener, "mia")
            await _chat_arrives(stale, listener, "mia", b"hello after")
            await restored.stop()
        finally:
            await stale_tone.stop()
            await stale.disconnect()
            await admin_tone.stop()
            await listener.aclose()
            await member_notices.aclose()

    audit = (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]
    entries = [e for e in audit if e["action"] == "controls"]  # newest first
    assert [e["params"]["changed"] for e in entries] == [["audio", "data"], ["data"], ["audio"]]
    # The first change reached mia alone: the admin keeps its rights, the listener had nothing to lose.
    assert entries[-1]["params"]["applied_live"] == 1 and entries[-1]["actor"] == "olivia"
