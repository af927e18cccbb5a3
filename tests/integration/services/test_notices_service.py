"""Notices at the service layer, with the fake gateway: who they go to, that nobody connected costs no
SendData (LiveKit answers that for a room it lacks only after 3 s, with a 503), and that a notice LiveKit
refuses never fails the action that sent it. What real clients receive: tests/e2e/test_notices.py."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.errors import LiveKitUnavailable
from roomsvc.moderation import flows, mutes, permissions
from roomsvc.notices import service as notices
from roomsvc.rooms import service as room_service
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import MakeRoom, act, bans_of


def _bodies(fake: FakeLiveKitGateway) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    return [(json.loads(s.payload), s.destination_identities) for s in fake.sent if s.topic == notices.TOPIC]


async def test_a_notice_goes_to_the_connected_among_its_identities_or_nowhere(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    assert await notices.notify(fake, room, "room.locked", {}) is False
    assert "send_data" not in fake.calls  # nobody there: no SendData at all

    fake.connect(room.livekit_name, "max")
    fake.connect(room.livekit_name, "mia")
    assert await notices.notify(fake, room, "seat.left", {"seat": 1}, identities=("mia", "gone")) is True
    assert await notices.notify(fake, room, "room.ended", {"reason": "done"}) is True
    (left, left_to), (ended, ended_to) = _bodies(fake)
    assert left_to == ("mia",) and left["type"] == "seat.left" and left["seat"] == 1
    assert ended_to == () and ended["type"] == "room.ended" and ended["room"] == room.name
    assert ended["reason"] == "done" and ended["sent_at"].endswith("Z")


async def test_a_notice_livekit_refuses_does_not_fail_the_kick(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    fake.connect(room.livekit_name, "max", grants=permissions.grants_for_role("member", "audio"))
    fake.fail_next("send_data", LiveKitUnavailable("LiveKit failed (unavailable); retry shortly."))
    ban = await flows.kick(act(db, fake, room), "max", actor="ada", reason="spam", ban_seconds=60)
    assert ban.identity == "max" and [b.identity for b in await bans_of(db, room)] == ["max"]
    assert fake.removed == [(room.livekit_name, "max")]
    assert fake.calls.index("send_data") < fake.calls.index("remove_participant")
    assert fake.sent == []


async def test_mute_and_end_notices_carry_their_data(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    fake.connect(room.livekit_name, "max", grants=permissions.grants_for_role("member", "audio"))
    await mutes.mute(
        act(db, fake, room), "max", sources=["microphone"], duration_seconds=None, reason="x", actor="ada"
    )
    # Not connected: muted all the same, and told nobody.
    await mutes.mute(
        act(db, fake, room), "mia", sources=["microphone"], duration_seconds=60, reason="", actor="ada"
    )
    await room_service.end_room(db, fake, room, "over")
    assert fake.calls.index("send_data") < fake.calls.index("delete_room")
    (muted, to), (ended, everyone) = _bodies(fake)
    assert to == ("max",) and muted["type"] == "participant.muted" and muted["expires_at"] is None
    assert muted["sources"] == ["microphone"] and muted["identity"] == "max" and muted["actor"] == "ada"
    assert everyone == () and ended["type"] == "room.ended" and ended["reason"] == "over"
