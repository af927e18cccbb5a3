"""Join tokens in use: real WebRTC clients on loopback, grants enforced by LiveKit itself."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import jwt
import pytest
from livekit import rtc

from tests.e2e.clients import Tone, connected, wait_disconnected
from tests.support import eventually, make_admin, problem

pytestmark = pytest.mark.e2e


async def _room(api: Any, name: str, **extra: Any) -> None:
    body = {"name": name, "creator": "owner", "seats": 0} | extra  # no stage: members publish freely
    response = await api.post("/v1/rooms", json=body)
    assert response.status_code == 201, response.text


async def _join(api: Any, room: str, identity: str, role: str) -> dict[str, Any]:
    response = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity, "role": role})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _first_audio_frame(room: rtc.Room, from_identity: str) -> rtc.AudioFrame:
    track = await eventually(
        lambda: _remote_audio(room, from_identity), check=lambda t: t is not None, what="remote audio track"
    )
    stream = rtc.AudioStream(track)
    try:
        async for event in stream:
            return event.frame
    finally:
        await stream.aclose()
    raise AssertionError("audio stream ended without a frame")


async def _sound_from(room: rtc.Room, identity: str) -> bool:
    """Wait for a frame with non-zero samples from ``identity``'s audio track."""
    track = await eventually(
        lambda: _remote_audio(room, identity), check=lambda t: t is not None, what="remote audio track"
    )
    stream = rtc.AudioStream(track)
    try:
        async for event in stream:
            if any(event.frame.data):
                return True
    finally:
        await stream.aclose()
    return False


async def _remote_audio(room: rtc.Room, identity: str) -> rtc.RemoteAudioTrack | None:
    participant = room.remote_participants.get(identity)
    if participant is None:
        return None
    for publication in participant.track_publications.values():
        if isinstance(publication.track, rtc.RemoteAudioTrack):
            return publication.track
    return None


async def test_member_publishes_and_audience_hears_but_cannot_publish(
    api: Any, livekit: Any, room_name: str
) -> None:
    await _room(api, room_name, call_type="audio")
    member = await _join(api, room_name, "speaker", "member")
    audience = await _join(api, room_name, "listener", "audience")
    assert audience["grants"]["can_publish"] is False

    async with (
        connected(member["url"], member["token"]) as speaker_room,
        connected(audience["url"], audience["token"]) as listener_room,
    ):
        tone = Tone()
        await tone.publish(speaker_room)
        try:
            frame = await asyncio.wait_for(_first_audio_frame(listener_room, "speaker"), 15)
            assert frame.samples_per_channel > 0
            assert any(frame.data)  # real audio samples reached the audience

            refused = Tone(220)
            with pytest.raises(Exception):  # noqa: B017 - the SDK reports the server's refusal generically
                await asyncio.wait_for(refused.publish(listener_room), 10)
            await refused.stop()
            participants = await livekit.list_participants(room_name)
            listener = next(p for p in participants if p.identity == "listener")
            assert listener.tracks == ()
            assert listener.can_publish is False
        finally:
            await tone.stop()


async def test_role_patch_lets_connected_audience_publish_without_reconnect(
    api: Any, livekit: Any, room_name: str
) -> None:
    await _room(api, room_name, call_type="audio")
    audience = await _join(api, room_name, "promoted", "audience")
    async with connected(audience["url"], audience["token"]) as room:
        await eventually(
            lambda: livekit.get_participant(room_name, "promoted"), what="participant in LiveKit"
        )
        patched = await api.patch(f"/v1/rooms/{room_name}/participants/promoted", json={"role": "member"})
        assert patched.status_code == 200, patched.text
        assert patched.json()["role"] == "member"
        await eventually(lambda: _can_publish(room), what="permission update reaching the client")
        tone = Tone()
        publication = await tone.publish(room)
        try:
            live = await eventually(
                lambda: livekit.get_participant(room_name, "promoted"),
                check=lambda p: p is not None and bool(p.tracks),
                what="published track",
            )
            assert live.tracks[0].sid == publication.sid
            assert live.can_publish_sources == ("microphone",)  # audio room: least privilege
        finally:
            await tone.stop()


async def _can_publish(room: rtc.Room) -> bool:
    return bool(room.local_participant.permissions.can_publish)


# Every LiveKit RoomService method, with a body naming this room (or for ListRooms/CreateRoom, none).
ROOM_SERVICE = {
    "ListParticipants": lambda room, sid: {"room": room},
    "GetParticipant": lambda room, sid: {"room": room, "identity": "mem"},
    "UpdateRoomMetadata": lambda room, sid: {"room": room, "metadata": "pwned"},
    "UpdateParticipant": lambda room, sid: {"room": room, "identity": "mem", "metadata": "pwned"},
    "MutePublishedTrack": lambda room, sid: {
        "room": room,
        "identity": "mem",
        "track_sid": sid,
        "muted": True,
    },
    "SendData": lambda room, sid: {"room": room, "data": "cHduZWQ=", "kind": "RELIABLE"},
    "UpdateSubscriptions": lambda room, sid: {
        "room": room,
        "identity": "mem",
        "track_sids": [sid],
        "subscribe": False,
    },
    "RemoveParticipant": lambda room, sid: {"room": room, "identity": "mem"},
    "ListRooms": lambda room, sid: {},
    "DeleteRoom": lambda room, sid: {"room": room},
    "CreateRoom": lambda room, sid: {"name": room + "-x"},
}
SERVER_WIDE = ("ListRooms", "DeleteRoom", "CreateRoom")  # need roomList/roomCreate: never in a join token


async def _twirp(settings: Any, method: str, token: str, body: dict[str, Any]) -> httpx.Response:
    url = f"{settings.livekit.url}/twirp/livekit.RoomService/{method}"
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})


def _livekit_room(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["video"]["room"])


def _refused(response: httpx.Response) -> bool:
    return response.status_code in (401, 403) and response.json().get("code") in (
        "unauthenticated",
        "permission_denied",
    )


async def test_no_join_token_is_a_livekit_server_api_credential(
    api: Any, livekit: Any, settings: Any, room_name: str
) -> None:
    """An owner's join token calling LiveKit's RoomService directly (twirp on the LiveKit port) is refused
    for every method; only a room created with ``client_admin`` gives the owner's token (and no other)
    the room-scoped methods, and never the server-wide ones."""
    await _room(api, room_name, call_type="audio")
    await make_admin(api, room_name, "ada", owner="owner")
    member = await _join(api, room_name, "mem", "member")
    lk_room = _livekit_room(member["token"])  # LiveKit's name for the room (it carries the project)
    async with connected(member["url"], member["token"]) as room:
        tone = Tone()
        track_sid = (await tone.publish(room)).sid
        try:
            await eventually(
                lambda: livekit.get_participant(lk_room, "mem"),
                check=lambda p: p is not None and bool(p.tracks),
                what="member publishing",
            )
            owner = await _join(api, room_name, "owner", "owner")
            admin = await _join(api, room_name, "ada", "admin")
            assert owner["grants"]["room_admin"] is False and admin["grants"]["room_admin"] is False
            for token in (owner["token"], admin["token"], member["token"]):
                for method, body in ROOM_SERVICE.items():
                    answer = await _twirp(settings, method, token, body(lk_room, track_sid))
                    assert _refused(answer), (method, answer.status_code, answer.text)
            # Nothing changed in LiveKit: metadata, the member, its track.
            live_room = await livekit.get_room(lk_room)
            assert live_room is not None and live_room.metadata == ""
            live = await livekit.get_participant(lk_room, "mem")
            assert live is not None and live.metadata == "" and not live.tracks[0].muted
            assert await livekit.get_room(lk_room + "-x") is None

            # The explicit opt-in: the owner's next token carries roomAdmin, an admin's still does not.
            patched = await api.patch(f"/v1/rooms/{room_name}", json={"client_admin": True})
            assert patched.status_code == 200 and patched.json()["client_admin"] is True
            owner = await _join(api, room_name, "owner", "owner")
            admin = await _join(api, room_name, "ada", "admin")
            assert owner["grants"]["room_admin"] is True and admin["grants"]["room_admin"] is False
            for method, body in ROOM_SERVICE.items():
                assert _refused(await _twirp(settings, method, admin["token"], body(lk_room, track_sid))), (
                    method
                )
            for method in SERVER_WIDE:
                answer = await _twirp(
                    settings, method, owner["token"], ROOM_SERVICE[method](lk_room, track_sid)
                )
                assert _refused(answer), (method, answer.text)
            for method, body in ROOM_SERVICE.items():
                if method not in SERVER_WIDE:
                    answer = await _twirp(settings, method, owner["token"], body(lk_room, track_sid))
                    assert answer.status_code == 200, (method, answer.text)
            # ...which is exactly the consequence docs/api.md describes: roomsvc is bypassed.
            live_room = await livekit.get_room(lk_room)
            assert live_room is not None and live_room.metadata == "pwned"
            await eventually(
                lambda: livekit.get_participant(lk_room, "mem"), check=lambda p: p is None, what="removed"
            )
        finally:
            await tone.stop()


async def test_a_room_without_options_is_a_meeting_where_members_publish(
    api: Any, livekit: Any, room_name: str
) -> None:
    created = await api.post("/v1/rooms", json={"name": room_name, "creator": "owner"})
    assert created.status_code == 201, created.text
    assert created.json()["seats"] == 0
    speaker = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "speaker"})
    listener = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "listener"})
    assert speaker.json()["role"] == "member"
    grants = speaker.json()["grants"]
    assert grants["can_publish"] is True and "microphone" in grants["can_publish_sources"]
    async with (
        connected(speaker.json()["url"], speaker.json()["token"]) as speaker_room,
        connected(listener.json()["url"], listener.json()["token"]) as listener_room,
    ):
        tone = Tone()
        await tone.publish(speaker_room)
        try:
            # The first decoded frames may be silence (jitter buffer): real samples arrive after them.
            assert await asyncio.wait_for(_sound_from(listener_room, "speaker"), 15)
            live = await livekit.get_participant(_livekit_room(speaker.json()["token"]), "speaker")
            assert live is not None and [t.source for t in live.tracks] == ["microphone"]
        finally:
            await tone.stop()


async def test_end_disconnects_connected_clients(api: Any, livekit: Any, room_name: str) -> None:
    await _room(api, room_name)
    member = await _join(api, room_name, "stayer", "member")
    async with connected(member["url"], member["token"]) as room:
        assert room.isconnected()
        waiter = asyncio.create_task(wait_disconnected(room))
        await asyncio.sleep(0)
        ended = await api.post(f"/v1/rooms/{room_name}/end")
        assert ended.status_code == 200, ended.text
        reason = await waiter
        assert reason == str(rtc.DisconnectReason.ROOM_DELETED), reason
        assert not room.isconnected()
    assert await livekit.get_room(room_name) is None


async def test_delete_participant_disconnects_and_records_left(
    api: Any, livekit: Any, room_name: str
) -> None:
    await _room(api, room_name)
    member = await _join(api, room_name, "leaver", "member")
    async with connected(member["url"], member["token"]) as room:
        await eventually(lambda: livekit.get_participant(room_name, "leaver"), what="participant connected")
        waiter = asyncio.create_task(wait_disconnected(room))
        await asyncio.sleep(0)
        removed = await api.delete(f"/v1/rooms/{room_name}/participants/leaver")
        assert removed.status_code == 200, removed.text
        assert removed.json()["state"] == "left" and removed.json()["left_at"]
        await waiter
    # The client is told before LiveKit's room list drops it (a locked-room test once saw the gap).
    await eventually(
        lambda: livekit.get_participant(room_name, "leaver"),
        check=lambda p: p is None,
        what="LiveKit dropping the removed participant",
    )


async def test_participant_list_merges_livekit_and_records(api: Any, livekit: Any, room_name: str) -> None:
    await _room(api, room_name, call_type="audio")
    member = await _join(api, room_name, "online", "member")
    await _join(api, room_name, "offline", "audience")
    async with connected(member["url"], member["token"]) as room:
        tone = Tone()
        await tone.publish(room)
        try:
            listing = await eventually(
                lambda: _listing(api, room_name),
                check=lambda items: items.get("online", {}).get("tracks"),
                what="track visible in participant list",
            )
        finally:
            await tone.stop()
    assert listing["online"]["connected"] is True and listing["online"]["state"] == "joined"
    assert listing["online"]["role"] == "member"
    assert listing["online"]["tracks"][0]["source"] == "microphone"
    assert listing["offline"]["connected"] is False and listing["offline"]["state"] == "invited"
    assert listing["offline"]["role"] == "audience"


async def _listing(api: Any, room: str) -> dict[str, Any]:
    response = await api.get(f"/v1/rooms/{room}/participants")
    assert response.status_code == 200, response.text
    return {p["identity"]: p for p in response.json()["items"]}


async def test_full_room_refuses_joins(api: Any, livekit: Any, room_name: str) -> None:
    await _room(api, room_name, max_participants=1)
    first = await _join(api, room_name, "first", "member")
    async with connected(first["url"], first["token"]):
        await eventually(lambda: livekit.get_participant(room_name, "first"), what="first connected")
        refused = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "second"})
        problem(refused, 409, "room-full")
        again = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "first"})
        assert again.status_code == 201  # the one inside may always get a fresh token
