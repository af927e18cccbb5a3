"""Rank rules (``moderation.permissions.authorize``) and the services that apply them, on the real DB.

The room: owner olivia, admins ada and abe, members mia and max, audience aud (``support.STAFF``).
Authorization lives in the services, so a service refusing leaves no row and calls nothing at LiveKit.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.errors import Forbidden
from roomsvc.moderation import bans, flows, mutes, permissions, roles
from roomsvc.seats import service as seat_service
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import (
    ADMIN_CALLER,
    CALLER,
    OWNER,
    STAFF,
    MakeRoom,
    act,
    audit_of,
    bans_of,
    mutes_of,
)


@pytest.mark.parametrize(
    ("actor", "target", "code"),
    [
        (OWNER, "ada", None),  # the owner may act on an admin
        (OWNER, "mia", None),
        ("ada", "mia", None),  # an admin may act on members and audience
        ("ada", "aud", None),
        ("ada", "stranger", None),  # nobody known counts as a member
        ("ada", "abe", "insufficient-rank"),  # …but not on another admin
        ("ada", OWNER, "insufficient-rank"),  # …nor on the owner
        ("mia", "max", "not-a-moderator"),
        ("aud", "max", "not-a-moderator"),
        ("stranger", "max", "not-a-moderator"),
        ("ada", "ada", "cannot-target-self"),
        (OWNER, OWNER, "cannot-target-self"),
    ],
)
async def test_who_may_act_on_whom(
    db: AsyncSession, make_room: MakeRoom, actor: str, target: str, code: str | None
) -> None:
    room = await make_room()
    if code is None:
        await permissions.authorize(db, room, CALLER, actor, target=target, action="kick")
        return
    with pytest.raises(Forbidden) as refused:
        await permissions.authorize(db, room, CALLER, actor, target=target, action="kick")
    assert refused.value.code == code
    assert "kick" in refused.value.detail


@pytest.mark.parametrize(("actor", "allowed"), [(OWNER, True), ("ada", True), ("mia", False), ("aud", False)])
async def test_untargeted_actions_need_a_moderator(
    db: AsyncSession, make_room: MakeRoom, actor: str, allowed: bool
) -> None:
    room = await make_room()
    if allowed:
        await permissions.authorize(db, room, CALLER, actor, target=None, action="lock seats")
    else:
        with pytest.raises(Forbidden, match="lock seats") as refused:
            await permissions.authorize(db, room, CALLER, actor, target=None, action="lock seats")
        assert refused.value.code == "not-a-moderator"


async def test_no_actor_needs_the_admin_scope(db: AsyncSession, make_room: MakeRoom) -> None:
    room = await make_room()
    with pytest.raises(Forbidden) as refused:
        await permissions.authorize(db, room, CALLER, None, target=OWNER, action="mute")
    assert refused.value.code == "actor-required"
    # The admin scope acts without an actor, on anyone (even the owner): it is the operator.
    await permissions.authorize(db, room, ADMIN_CALLER, None, target=OWNER, action="mute")
    # Automated actions (mute expiry, detection policy) are the system caller.
    assert permissions.SYSTEM_CALLER.is_admin and permissions.SYSTEM_CALLER.credential_id == "system"
    await permissions.authorize(db, room, permissions.SYSTEM_CALLER, None, target="ada", action="mute")


async def test_roles_are_read_from_the_room_and_its_rows(db: AsyncSession, make_room: MakeRoom) -> None:
    room = await make_room()
    assert [await permissions.role_of(db, room, who) for who in (OWNER, "ada", "mia", "aud", "nobody")] == [
        "owner",
        "admin",
        "member",
        "audience",
        None,
    ]
    assert permissions.RANK["owner"] > permissions.RANK["admin"] > permissions.RANK["member"]
    assert permissions.RANK["member"] > permissions.RANK["audience"]


async def _mute(db: AsyncSession, fake: FakeLiveKitGateway, room: Any, actor: str, target: str) -> None:
    await mutes.mute(
        act(db, fake, room),
        target,
        sources=["microphone"],
        duration_seconds=60,
        reason="",
        actor=actor,
    )


async def _kick(db: AsyncSession, fake: FakeLiveKitGateway, room: Any, actor: str, target: str) -> None:
    await flows.kick(act(db, fake, room), target, actor=actor, reason="")


async def _lift(db: AsyncSession, fake: FakeLiveKitGateway, room: Any, actor: str, target: str) -> None:
    await bans.lift_ban(db, room, target, caller=CALLER, actor=actor)


async def _lock(db: AsyncSession, fake: FakeLiveKitGateway, room: Any, actor: str, target: str) -> None:
    await seat_service.set_locked(act(db, fake, room), 0, True, actor=actor)


async def _role(db: AsyncSession, fake: FakeLiveKitGateway, room: Any, actor: str, target: str) -> None:
    await roles.set_role(act(db, fake, room), target, "audience", actor=actor)


REFUSALS = [
    (action, actor, target, code)
    for action in (_mute, _kick, _lift, _lock, _role)
    for actor, target, code in [("mia", "max", "not-a-moderator"), ("ada", "abe", "insufficient-rank")]
    # Lifting a ban and locking a seat target nobody: any admin may.
    if not (action in (_lift, _lock) and code == "insufficient-rank")
]


@pytest.mark.parametrize(
    ("action", "actor", "target", "code"), REFUSALS, ids=[f"{a.__name__[1:]}-{c}" for a, _, _, c in REFUSALS]
)
async def test_every_moderation_service_authorizes(
    db: AsyncSession,
    make_room: MakeRoom,
    fake: FakeLiveKitGateway,
    action: Any,
    actor: str,
    target: str,
    code: str,
) -> None:
    """The rank check runs inside each service: a refused action writes nothing and calls nothing."""
    room = await make_room(seats=2)
    fake.connect(room.name, target)
    with pytest.raises(Forbidden) as refused:
        await action(db, fake, room, actor, target)
    assert refused.value.code == code
    assert fake.calls == []
    assert await audit_of(db, room) == []
    assert await mutes_of(db, room) == [] and await bans_of(db, room) == []
    assert await permissions.role_of(db, room, target) == STAFF[target]


async def test_only_the_owner_grants_or_removes_admin(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    fake.connect(room.name, "mia")
    with pytest.raises(Forbidden, match="Only the owner") as refused:
        await roles.set_role(act(db, fake, room), "mia", "admin", actor="ada")
    assert refused.value.code == "insufficient-rank"
    assert await permissions.role_of(db, room, "mia") == "member"
    assert fake.updates == []

    assert await roles.set_role(act(db, fake, room), "mia", "admin", actor=OWNER) == "admin"
    assert await permissions.role_of(db, room, "mia") == "admin"
    pushed = fake.grants_pushed(room.name, "mia")
    assert len(pushed) == 1 and pushed[0].can_publish and not pushed[0].room_admin
    assert set(pushed[0].can_publish_sources) == set(permissions.VIDEO_SOURCES)
    assert (await audit_of(db, room))[-1] == {
        "action": "role",
        "caller": CALLER.credential_id,
        "actor": OWNER,
        "target": "mia",
        "reason": "",
        "params": {"from": "member", "to": "admin", "applied_live": True},
    }
    # An admin may demote a member to the audience, but not touch an admin's role.
    assert await roles.set_role(act(db, fake, room), "max", "audience", actor="ada") == "audience"
    with pytest.raises(Forbidden):
        await roles.set_role(act(db, fake, room), "mia", "member", actor="ada")
    assert await permissions.role_of(db, room, "mia") == "admin"


async def test_the_owner_role_moves_only_by_transfer(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    with pytest.raises(Forbidden) as refused:
        await roles.set_role(act(db, fake, room, ADMIN_CALLER), OWNER, "member", actor=None)
    assert refused.value.code == "insufficient-rank"
    with pytest.raises(Forbidden) as refused:
        await roles.transfer_owner(act(db, fake, room), "mia", actor="ada")
    assert refused.value.code == "not-the-owner"
    with pytest.raises(Forbidden) as refused:
        await roles.transfer_owner(act(db, fake, room), "mia", actor=None)
    assert refused.value.code == "actor-required"

    fake.connect(room.name, OWNER)
    await roles.transfer_owner(act(db, fake, room), "mia", actor=OWNER)
    assert room.owner == "mia"
    assert await permissions.role_of(db, room, "mia") == "owner"
    assert await permissions.role_of(db, room, OWNER) == "admin"
    # Both were recomputed; only the connected one (the old owner) received them.
    assert [(u.identity, u.live) for u in fake.updates] == [(OWNER, True), ("mia", False)]
    # The old owner is an admin now, and an admin may not act on the new owner.
    with pytest.raises(Forbidden) as refused:
        await permissions.authorize(db, room, CALLER, OWNER, target="mia", action="kick")
    assert refused.value.code == "insufficient-rank"
