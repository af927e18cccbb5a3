"""Re-asserting the effective permission set (moderation/enforcement.py) on the real MariaDB, with the
fake gateway standing in for LiveKit where the real server cannot fail on demand.

The end-to-end effect (stale tokens, real clients, frames) is tests/e2e/test_enforcement.py; here: what
is compared, what is pushed, and that a failed push is reported, not raised, and repaired by the next
check (a reconciliation pass runs the same :func:`enforce`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.db import utcnow
from roomsvc.errors import LiveKitUnavailable
from roomsvc.livekit import Permission
from roomsvc.moderation import bans, enforcement, mutes, permissions
from roomsvc.webhooks.handlers import permission_of
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import ADMIN_CALLER, MakeRoom, act, load_room

MEMBER_AUDIO = permissions.grants_for_role("member", "audio")
MUTED = Permission.normalized(can_subscribe=True, can_publish=False, can_publish_data=True)


async def _mute(db: AsyncSession, fake: FakeLiveKitGateway, room: object, identity: str) -> None:
    await mutes.mute(
        act(db, fake, room, ADMIN_CALLER),  # type: ignore[arg-type]
        identity,
        sources=["microphone"],
        duration_seconds=3600,
        reason="",
        actor=None,
    )


async def test_a_stale_permission_is_replaced_by_the_effective_one(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(call_type="audio")
    await _mute(db, fake, room, "mia")  # not connected: nothing pushed yet
    # mia comes back with a token minted before the mute: LiveKit gives it the microphone.
    live = fake.connect(room.livekit_name, "mia", grants=MEMBER_AUDIO)
    assert live.permission.can_publish_sources == {"microphone"}

    assert await enforcement.enforce(db, fake, room, "mia", live.permission) == "updated"
    assert fake.participants[room.livekit_name]["mia"].permission == MUTED
    assert fake.grants_pushed(room.livekit_name, "mia")[-1].can_publish is False

    pushes = len(fake.updates)
    assert await enforcement.enforce(db, fake, room, "mia", None) == "unchanged"  # asks GetParticipant
    assert len(fake.updates) == pushes  # equal sets are not pushed again


async def test_a_failed_push_is_reported_and_repaired_by_the_next_check(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(call_type="audio")
    await _mute(db, fake, room, "mia")
    live = fake.connect(room.livekit_name, "mia", grants=MEMBER_AUDIO)
    fake.fail_next("update_participant", LiveKitUnavailable("LiveKit failed (unavailable); retry shortly."))
    assert await enforcement.enforce(db, fake, room, "mia", live.permission) == "failed"
    assert fake.participants[room.livekit_name]["mia"].permission == live.permission
    # The next check (the reconciliation pass) compares again and pushes.
    current = fake.participants[room.livekit_name]["mia"].permission
    assert await enforcement.enforce(db, fake, room, "mia", current) == "updated"
    assert fake.participants[room.livekit_name]["mia"].permission == MUTED


async def test_banned_identity_is_removed_and_a_gone_one_is_left_alone(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room(call_type="audio")
    await bans.upsert_ban(db, room, "mia", expires_at=None, reason="abuse", actor=None)
    fake.connect(room.livekit_name, "mia", grants=MEMBER_AUDIO)
    assert await enforcement.enforce(db, fake, room, "mia", None) == "evicted"
    assert fake.removed == [(room.livekit_name, "mia")]
    assert await enforcement.enforce(db, fake, room, "max", None) == "gone"


async def test_enforce_all_runs_after_commit_with_the_room_locked(
    make_room: MakeRoom,
    fake: FakeLiveKitGateway,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    room = await make_room(call_type="audio")
    async with session_factory() as session, session.begin():
        await _mute(session, fake, await load_room(session, room.name), "mia")
    live = fake.connect(room.livekit_name, "mia", grants=MEMBER_AUDIO)
    counts = await enforcement.enforce_all(
        session_factory,
        fake,  # type: ignore[arg-type]
        [
            enforcement.Enforcement(room.id, "mia", live.permission),
            enforcement.Enforcement(room.id, "mia", live.permission),  # one check per identity
            enforcement.Enforcement(room.id, "ghost", None),
        ],
    )
    assert counts == {"updated": 1, "gone": 1}
    assert fake.participants[room.livekit_name]["mia"].permission == MUTED


async def test_a_rooms_identities_are_enforced_together_each_by_its_own_rules(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    """enforce_many (a webhook batch's connections to one room, a reconciliation pass): one read each of
    bans, roles, seats and mutes for all, and each identity gets exactly what enforce gives it alone."""
    room = await make_room(call_type="audio")
    await _mute(db, fake, room, "mia")
    await bans.upsert_ban(db, room, "ben", expires_at=None, reason="abuse", actor=None)
    currents = {
        name: fake.connect(room.livekit_name, name, grants=MEMBER_AUDIO).permission
        for name in ("mia", "ben", "ola")
    }
    outcomes = await enforcement.enforce_many(db, fake, room, {**currents, "ghost": None})
    assert outcomes == {"mia": "updated", "ben": "evicted", "ola": "unchanged", "ghost": "gone"}
    assert fake.participants[room.livekit_name]["mia"].permission == MUTED
    assert fake.participants[room.livekit_name]["ola"].permission == currents["ola"]
    assert fake.removed == [(room.livekit_name, "ben")]
    # The owner is an owner, whatever its membership row says.
    owner = fake.connect(room.livekit_name, room.owner, grants=MEMBER_AUDIO).permission
    wanted = Permission.of(permissions.grants_for_role("owner", "audio"))
    assert (await enforcement.enforce_many(db, fake, room, {room.owner: owner})) == {
        room.owner: "unchanged" if owner == wanted else "updated"
    }
    assert fake.participants[room.livekit_name][room.owner].permission == wanted


def test_webhook_permission_is_read_as_livekit_writes_it() -> None:
    # As livekit-server v1.13 posts it (protobuf JSON: false flags and empty lists left out).
    joined = {
        "sid": "PA_x",
        "identity": "tim",
        "permission": {"canSubscribe": True, "canPublish": True, "canPublishSources": ["MICROPHONE"]},
    }
    assert permission_of(joined) == Permission.normalized(
        can_subscribe=True, can_publish=True, can_publish_data=False, can_publish_sources=["microphone"]
    )
    numbered = {"permission": {"canPublish": True, "canPublishSources": [1, 2]}}
    assert permission_of(numbered).can_publish_sources == {"camera", "microphone"}  # type: ignore[union-attr]
    everything = permission_of({"permission": {"canPublish": True}})
    assert everything is not None and everything.can_publish_sources == set(permissions.SOURCES)
    assert permission_of({"permission": {}}) == Permission.normalized(
        can_subscribe=False, can_publish=False, can_publish_data=False
    )
    assert permission_of({"sid": "PA_x"}) is None


async def test_a_batch_across_rooms_is_checked_at_once_and_only_what_differs_reaches_livekit(
    make_room: MakeRoom,
    fake: FakeLiveKitGateway,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """enforce_all over several rooms: one check settles every connection that holds its effective set
    (no LiveKit call for them); a set to push, a ban and a locked room still get theirs, room by room;
    a closed room gets nothing."""
    muted, staged, locked, closed = (
        await make_room(call_type="audio"),
        await make_room(call_type="audio", seats=2),
        await make_room(call_type="audio"),
        await make_room(call_type="audio", status="ended"),
    )
    async with session_factory() as session, session.begin():
        await _mute(session, fake, await load_room(session, muted.name), "mia")
        await bans.upsert_ban(
            session, await load_room(session, muted.name), "ben", expires_at=None, reason="abuse", actor=None
        )
        (await load_room(session, locked.name)).locked_at = utcnow()
    async with session_factory() as session:
        staged_room = await load_room(session, staged.name)
        effective = {who: await permissions.live_grants(session, staged_room, who) for who in ("sam", "ada")}
    currents = {
        (muted, "mia"): fake.connect(muted.livekit_name, "mia", grants=MEMBER_AUDIO).permission,
        (muted, "ola"): fake.connect(muted.livekit_name, "ola", grants=MEMBER_AUDIO).permission,
        (muted, "ben"): fake.connect(muted.livekit_name, "ben", grants=MEMBER_AUDIO).permission,
        (staged, "sam"): fake.connect(staged.livekit_name, "sam", grants=effective["sam"]).permission,
        (staged, "ada"): fake.connect(staged.livekit_name, "ada", grants=effective["ada"]).permission,
        (locked, "tim"): fake.connect(locked.livekit_name, "tim", grants=MEMBER_AUDIO).permission,
        (closed, "kim"): MUTED,
    }
    fake.calls.clear()
    locks: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("SELECT") and "FROM rooms" in statement and "FOR UPDATE" in statement:
            locks.append(statement)

    engine = session_factory.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        counts = await enforcement.enforce_all(
            session_factory,
            fake,  # type: ignore[arg-type]
            [enforcement.Enforcement(room.id, who, current) for (room, who), current in currents.items()],
        )
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert counts == {"updated": 1, "unchanged": 3, "evicted": 2}
    # One lock of all four rooms for the check, then one each for the two rooms with LiveKit calls to make.
    assert len(locks) == 3, [s[-60:] for s in locks]
    assert fake.participants[muted.livekit_name]["mia"].permission == MUTED
    assert sorted(fake.removed) == sorted([(muted.livekit_name, "ben"), (locked.livekit_name, "tim")])
    # Only the push and the two removals reached LiveKit: the unchanged were settled from the database.
    assert sorted(fake.calls) == ["remove_participant", "remove_participant", "update_participant"]
