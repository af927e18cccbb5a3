"""Mutes, kicks and bans at the service layer, with the fake gateway for LiveKit's side and its failures.

What the services push to LiveKit is read from the fake (the grants an ``update_participant`` received,
who was removed); rows are read from the real database. Error paths the real server cannot produce on
demand (down in the middle of a mute, a refusal during a kick) are injected into the fake: the error
must propagate, so that the edge rolls the whole change back.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, Forbidden, LiveKitError, LiveKitUnavailable, NotFound
from roomsvc.moderation import audit, bans, flows, mutes, permissions, status
from roomsvc.seats import service as seat_service
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import (
    ADMIN_CALLER,
    CALLER,
    OWNER,
    MakeRoom,
    act,
    audit_of,
    bans_of,
    events_of,
    load_room,
    mutes_of,
    seats_of,
)

ALL_VIDEO = set(permissions.VIDEO_SOURCES)


async def test_mute_removes_the_sources_live_and_unmute_restores_them(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(call_type="video")
    fake.connect(room.name, "max", grants=permissions.grants_for_role("member", "video"))
    active = await mutes.mute(
        act(db, fake, room),
        "max",
        sources=["microphone", "camera", "microphone"],
        duration_seconds=3600,
        reason="noise",
        actor="ada",
    )
    assert set(active) == {"microphone", "camera"}
    assert all(e is not None and e > utcnow() + dt.timedelta(minutes=59) for e in active.values())
    assert set(fake.participants[room.name]["max"].can_publish_sources) == ALL_VIDEO - {
        "microphone",
        "camera",
    }
    assert await mutes_of(db, room) == [("max", "camera"), ("max", "microphone")]
    entry = (await audit_of(db, room))[-1]
    assert (entry["action"], entry["actor"], entry["target"], entry["reason"]) == (
        "mute",
        "ada",
        "max",
        "noise",
    )
    assert entry["params"]["sources"] == ["microphone", "camera"] and entry["params"]["applied_live"] is True
    assert (await status.state_of(db, room, "max")).mute_expires_at == max(active.values())

    remaining = await mutes.unmute(act(db, fake, room), "max", sources=["camera"], actor=OWNER)
    assert set(remaining) == {"microphone"}
    assert set(fake.participants[room.name]["max"].can_publish_sources) == ALL_VIDEO - {"microphone"}
    await mutes.unmute(act(db, fake, room), "max", sources=None, actor=OWNER)
    assert set(fake.participants[room.name]["max"].can_publish_sources) == ALL_VIDEO
    assert await mutes_of(db, room) == []
    assert await events_of(db, room) == [str(audit.ACTIONS[a]) for a in ("mute", "unmute", "unmute")]
    with pytest.raises(NotFound) as missing:
        await mutes.unmute(act(db, fake, room), "max", sources=None, actor=OWNER)
    assert missing.value.code == "mute-not-found"


async def test_muting_everything_leaves_no_publish_right(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(call_type="audio")
    fake.connect(room.name, "mia")
    await mutes.mute(
        act(db, fake, room),
        "mia",
        sources=["microphone"],
        duration_seconds=None,
        reason="",
        actor="ada",
    )
    (pushed,) = fake.grants_pushed(room.name, "mia")
    # An empty source list would mean "any source" to LiveKit: no source left means no publishing at all.
    assert (pushed.can_publish, pushed.can_publish_sources) == (False, ())
    assert (await status.state_of(db, room, "mia")).mutes == {"microphone": None}


async def test_mute_of_someone_not_connected_is_stored_for_their_next_token(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    await mutes.mute(
        act(db, fake, room), "mia", sources=["camera"], duration_seconds=60, reason="", actor="ada"
    )
    assert [u.live for u in fake.updates] == [False]
    assert (await audit_of(db, room))[-1]["params"]["applied_live"] is False
    assert "camera" not in (await permissions.effective_grants(db, room, "mia", "member")).can_publish_sources


@pytest.mark.parametrize(("sources", "duration"), [([], 60), (["mouth"], 60)])
async def test_mute_input_is_checked(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway, sources: list[str], duration: int
) -> None:
    room = await make_room()
    with pytest.raises(BadRequest) as bad:
        await mutes.mute(
            act(db, fake, room),
            "mia",
            sources=sources,
            duration_seconds=duration,
            reason="",
            actor="ada",
        )
    assert bad.value.extra["field"] == "sources"
    assert fake.calls == [] and await mutes_of(db, room) == []


def test_durations() -> None:
    assert [mutes.parse_duration(v) for v in ("1h", "24h", "permanent", 90)] == [3600, 86_400, None, 90]
    for bad in ("2h", 0, 365 * 86_400 + 1):
        with pytest.raises(BadRequest):
            mutes.parse_duration(bad)


@pytest.mark.parametrize("failure", ["down", "update_participant"])
async def test_livekit_failing_during_a_mute_leaves_nothing(
    db: AsyncSession,
    make_room: MakeRoom,
    fake: FakeLiveKitGateway,
    session_factory: async_sessionmaker[AsyncSession],
    failure: str,
) -> None:
    room = await make_room()
    fake.connect(room.name, "max", grants=permissions.grants_for_role("member", "video"))
    if failure == "down":
        fake.down = True
    else:
        fake.fail_next(
            "update_participant", LiveKitUnavailable("LiveKit failed (unavailable); retry shortly.")
        )
    with pytest.raises(LiveKitUnavailable):
        await mutes.mute(
            act(db, fake, room),
            "max",
            sources=["microphone"],
            duration_seconds=60,
            reason="",
            actor="ada",
        )
    assert fake.calls == ["update_participant"]
    name = room.name
    await db.rollback()  # what the request edge does with any error (it also expires `room`)
    async with session_factory() as fresh:
        room = await load_room(fresh, name)
        assert await mutes_of(fresh, room) == []
        assert await audit_of(fresh, room) == []
        assert await events_of(fresh, room) == []
    assert set(fake.participants[name]["max"].can_publish_sources) == ALL_VIDEO, "LiveKit was changed"


async def test_kick_of_someone_not_connected_bans_and_frees_the_seat(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(seats=2)
    await seat_service.take(act(db, fake, room), 1, "max", actor=None)
    before = utcnow()
    ban = await flows.kick(act(db, fake, room), "max", actor="ada", reason="spam", ban_seconds=600)
    assert ban.identity == "max" and ban.reason == "spam" and ban.actor == "ada"
    assert ban.expires_at is not None
    assert before + dt.timedelta(seconds=599) <= ban.expires_at <= utcnow() + dt.timedelta(seconds=601)
    assert fake.removed == [] and "remove_participant" in fake.calls  # asked; LiveKit had nobody to remove
    assert await seats_of(db, room) == {0: None, 1: None}
    entries = await audit_of(db, room)
    assert [e["action"] for e in entries] == ["seat_take", "seat_vacated", "kick"]
    assert entries[-1]["params"] == {
        "ban_expires_at": ban.expires_at.isoformat(),
        "permanent": False,
        "was_connected": False,
        "seat": 1,
    }
    with pytest.raises(Forbidden) as refused:
        await seat_service.take(act(db, fake, room), 0, "max", actor=None)
    assert refused.value.code == "identity-banned"


async def test_kick_of_a_connected_participant_removes_it(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    fake.connect(room.name, "max")
    ban = await flows.kick(act(db, fake, room, ADMIN_CALLER), "max", actor=None, reason="", permanent=True)
    assert ban.expires_at is None
    assert fake.removed == [(room.name, "max")] and "max" not in fake.participants[room.name]
    entry = (await audit_of(db, room))[-1]
    assert (entry["caller"], entry["actor"], entry["params"]["was_connected"]) == ("svc-admin", None, True)
    assert entry["params"]["permanent"] is True

    lifted = await bans.lift_ban(db, room, "max", caller=CALLER, actor="abe", reason="appeal")
    assert lifted.lifted_by == "abe" and lifted.lifted_at is not None
    assert await bans.list_bans(db, room) == []
    assert await permissions.active_ban(db, room.id, "max") is None
    with pytest.raises(NotFound) as missing:
        await bans.lift_ban(db, room, "max", caller=CALLER, actor="abe")
    assert missing.value.code == "ban-not-found"


async def test_the_owner_cannot_be_kicked(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    with pytest.raises(Forbidden) as refused:
        await flows.kick(act(db, fake, room, ADMIN_CALLER), OWNER, actor=None, reason="")
    assert refused.value.code == "insufficient-rank"
    assert fake.calls == [] and await bans_of(db, room) == []


async def test_a_refused_removal_fails_the_kick(
    db: AsyncSession,
    make_room: MakeRoom,
    fake: FakeLiveKitGateway,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    room = await make_room()
    fake.connect(room.name, "max")
    fake.fail_next(
        "remove_participant", LiveKitError("LiveKit refused RemoveParticipant", livekit_code="internal")
    )
    with pytest.raises(LiveKitError):
        await flows.kick(act(db, fake, room), "max", actor="ada", reason="")
    name = room.name
    await db.rollback()
    async with session_factory() as fresh:
        room = await load_room(fresh, name)
        assert await bans_of(fresh, room) == [] and await audit_of(fresh, room) == []
    assert "max" in fake.participants[name]


async def test_system_actions_are_audited_as_system(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    """The detection policy mutes as the system caller: no actor, and may act on anyone but is audited."""
    room = await make_room()
    await mutes.mute(
        act(db, fake, room, permissions.SYSTEM_CALLER),
        "ada",
        sources=["camera"],
        duration_seconds=60,
        reason="policy",
        actor=None,
    )
    entry = (await audit_of(db, room))[-1]
    assert (entry["caller"], entry["actor"], entry["target"]) == ("system", None, "ada")
