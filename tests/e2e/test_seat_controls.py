"""Seat controls with real clients: a seat's microphone lock silences its occupant, who stays seated; an
old token cannot undo it; unlocking restores it; moves and swaps carry the seats' locks to whoever sits."""

from __future__ import annotations

import time
from typing import Any

import pytest
from livekit import rtc

from tests.e2e.clients import Tone, connected, falls_silent
from tests.e2e.test_enforcement import Frames, _stale_token_cannot_publish
from tests.support import eventually

pytestmark = pytest.mark.e2e


async def _room(api: Any, name: str) -> None:
    body = {"name": name, "creator": "olivia", "call_type": "audio", "seats": 2, "seat_mode": "apply"}
    response = await api.post("/v1/rooms", json=body)
    assert response.status_code == 201, response.text


async def _join(api: Any, room: str, identity: str, role: str = "member") -> dict[str, Any]:
    response = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity, "role": role})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _post(api: Any, path: str, body: Any = None) -> dict[str, Any]:
    response = await api.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def _tracks(livekit: Any, lk_room: str, identity: str) -> tuple[Any, ...] | None:
    participant = await livekit.get_participant(lk_room, identity)
    return None if participant is None else participant.tracks


async def _can_publish(room: rtc.Room) -> bool:
    return bool(room.local_participant.permissions.can_publish)


async def _seat_zero(api: Any, room: str) -> dict[str, Any]:
    return (await api.get(f"/v1/rooms/{room}/seats")).json()["items"][0]  # type: ignore[no-any-return]


async def _vacated(api: Any, room: str) -> None:
    """Wait for seat 0 to be freed by its occupant's leaving the room (the participant_left webhook)."""
    await eventually(
        lambda: _seat_zero(api, room), check=lambda s: s["identity"] is None, what="seat vacated"
    )


async def _reseat(api: Any, room: str, identity: str) -> None:
    """Once the seat was vacated, seat ``identity`` on seat 0 again; its microphone lock is still there."""
    await _vacated(api, room)
    seat = await _post(api, f"/v1/rooms/{room}/seats/0/take", {"identity": identity, "actor": "olivia"})
    assert seat["identity"] == identity and seat["mic_locked"] is True


async def _hears(frames: Frames) -> None:
    start = time.monotonic()

    async def received() -> int:
        return frames.since(start)

    await eventually(received, check=lambda n: n > 10, what=f"audio frames from {frames.identity}")


async def test_a_seat_mic_lock_silences_the_occupant_who_stays_seated(
    api: Any, livekit: Any, session_factory: Any, jobs_process: Any, room_name: str
) -> None:
    await _room(api, room_name)
    seats = f"/v1/rooms/{room_name}/seats"
    await _post(api, f"{seats}/0/take", {"identity": "sia", "actor": "olivia"})
    stale = await _join(api, room_name, "sia")  # minted while the seat's microphone was free
    assert stale["grants"]["can_publish_sources"] == ["microphone"]
    lk_room = room_name  # the default project's LiveKit room has the room's name
    listener = await _join(api, room_name, "lis", "audience")
    frames = Frames("sia")
    async with connected(listener["url"], listener["token"]) as listening:
        frames.attach(listening)
        async with connected(stale["url"], stale["token"]) as speaker:
            tone = Tone()
            await tone.publish(speaker)
            await _hears(frames)

            locked = await _post(api, f"{seats}/0/mic-lock", {"actor": "olivia", "reason": "feedback"})
            assert locked["identity"] == "sia" and locked["mic_locked"] is True
            await eventually(
                lambda: _tracks(livekit, lk_room, "sia"),
                check=lambda t: t == (),
                what="LiveKit removing the locked seat's microphone track",
            )
            await falls_silent(listening, "sia", frames.since)
            assert not speaker.local_participant.permissions.can_publish
            # Still connected and still seated: only the microphone went.
            assert await livekit.get_participant(lk_room, "sia") is not None
            stage = (await api.get(f"/v1/rooms/{room_name}/seats")).json()["items"]
            assert stage[0]["identity"] == "sia"
            await tone.stop()

        # Leaving the room frees the seat (seat.vacated); the lock stays with the seat. Seated again,
        # sia reconnects with the token minted before the lock: it still cannot publish.
        await _reseat(api, room_name, "sia")
        await _stale_token_cannot_publish(
            api, livekit, session_factory, room_name, "sia", stale, "seat_mic_lock"
        )

        # Unlocking restores publishing, live, to the connected occupant.
        await _vacated(api, room_name)
        fresh = await _join(api, room_name, "sia")
        async with connected(fresh["url"], fresh["token"]) as speaker:
            await eventually(lambda: livekit.get_participant(lk_room, "sia"), what="sia connected")
            await _reseat(api, room_name, "sia")
            assert not await _can_publish(speaker)
            await _post(api, f"{seats}/0/mic-unlock", {"actor": "olivia"})
            await eventually(lambda: _can_publish(speaker), what="the unlock granting the microphone live")
            again = Tone(550)
            await again.publish(speaker)
            await _hears(frames)
            await again.stop()
    await frames.aclose()
    audit = (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]
    unlock, lock = (next(a for a in audit if a["action"] == f"seat_mic_{v}") for v in ("unlock", "lock"))
    assert lock["params"] == {"seat": 0, "applied_live": True} and lock["reason"] == "feedback"
    assert unlock["params"] == {"seat": 0, "applied_live": True}


async def test_moves_and_swaps_carry_the_seat_locks_to_whoever_sits(
    api: Any, livekit: Any, jobs_process: Any, room_name: str
) -> None:
    await _room(api, room_name)
    seats = f"/v1/rooms/{room_name}/seats"
    await _post(api, f"{seats}/0/mic-lock", {"actor": "olivia"})
    await _post(api, f"{seats}/0/take", {"identity": "sia", "actor": "olivia"})
    sia, tom = await _join(api, room_name, "sia"), await _join(api, room_name, "tom")
    assert sia["grants"]["can_publish"] is False and tom["grants"]["can_publish"] is False
    lk_room = room_name  # the default project's LiveKit room has the room's name
    listener = await _join(api, room_name, "lis", "audience")
    heard_sia, heard_tom = Frames("sia"), Frames("tom")
    async with (
        connected(listener["url"], listener["token"]) as listening,
        connected(sia["url"], sia["token"]) as sia_room,
        connected(tom["url"], tom["token"]) as tom_room,
    ):
        heard_sia.attach(listening)
        heard_tom.attach(listening)
        # sia moves off the locked seat 0 to seat 1: the microphone comes with seat 1.
        moved = await _post(api, f"{seats}/0/move", {"to": 1, "actor": "olivia"})
        assert [(s["index"], s["identity"]) for s in moved["items"]] == [(0, None), (1, "sia")]
        await eventually(lambda: _can_publish(sia_room), what="the move granting sia the microphone")
        sia_tone = Tone(440)
        await sia_tone.publish(sia_room)
        await _hears(heard_sia)

        # tom sits on the locked seat 0 (no microphone), then the two swap: the lock goes to sia.
        await _post(api, f"{seats}/0/take", {"identity": "tom", "actor": "olivia"})
        assert not tom_room.local_participant.permissions.can_publish
        swapped = await _post(api, f"{seats}/0/swap", {"with": 1, "actor": "olivia"})
        assert [(s["index"], s["identity"]) for s in swapped["items"]] == [(0, "sia"), (1, "tom")]
        await eventually(
            lambda: _tracks(livekit, lk_room, "sia"),
            check=lambda t: t == (),
            what="LiveKit removing sia's track on the locked seat",
        )
        await falls_silent(listening, "sia", heard_sia.since)
        await eventually(lambda: _can_publish(tom_room), what="the swap granting tom the microphone")
        tom_tone = Tone(660)
        await tom_tone.publish(tom_room)
        await _hears(heard_tom)
        # The silence check can fail: tom, who may speak, never falls silent.
        with pytest.raises(AssertionError, match=r"tom falling silent at the listener .* did not happen"):
            await falls_silent(listening, "tom", heard_tom.since, timeout=2)
        live = {p: await livekit.get_participant(lk_room, p) for p in ("sia", "tom")}
        assert "microphone" not in live["sia"].permission.can_publish_sources
        assert live["tom"].permission.can_publish_sources == frozenset({"microphone"})
        await sia_tone.stop()
        await tom_tone.stop()
    await heard_sia.aclose()
    await heard_tom.aclose()
