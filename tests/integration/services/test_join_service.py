"""The join path at the service layer: ``permissions.join_context`` and ``participants.service.join``.

``join_context`` reads the room, the identity's active ban, role, seat and active mutes in one statement;
its ``grants(role)`` must be exactly what ``permissions.effective_grants`` computes from five separate
reads, for every combination of stage, seat, mutes and role.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.errors import Conflict, Forbidden, LiveKitUnavailable, NotFound
from roomsvc.moderation import bans, permissions
from roomsvc.moderation.models import Mute
from roomsvc.participants import service as participant_service
from roomsvc.participants.models import Participant
from roomsvc.participants.schemas import JoinRequest
from roomsvc.rooms.models import Room
from roomsvc.seats.models import Seat
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import ADMIN_CALLER, CALLER, OWNER, MakeRoom

HOUR = dt.timedelta(hours=1)


async def _mute(
    db: AsyncSession, room: Room, identity: str, source: str, expires_at: dt.datetime | None
) -> None:
    await db.execute(
        mysql_insert(Mute).values(
            room_id=room.id, identity=identity, source=source, expires_at=expires_at, created_at=utcnow()
        )
    )


async def _seat(db: AsyncSession, room: Room, index: int, identity: str) -> None:
    await db.execute(
        update(Seat).where(Seat.room_id == room.id, Seat.seat_index == index).values(identity=identity)
    )


async def test_join_context_reads_ban_role_seat_and_mutes(db: AsyncSession, make_room: MakeRoom) -> None:
    room = await make_room(seats=3)
    now = utcnow()
    await bans.upsert_ban(db, room, "max", expires_at=now + HOUR, reason="", actor="ada")
    await _seat(db, room, 2, "max")
    await _mute(db, room, "max", "microphone", None)
    await _mute(db, room, "max", "camera", now + HOUR)
    await _mute(db, room, "max", "screen_share", now - HOUR)  # expired: not active
    await _mute(db, room, "mia", "camera", None)  # someone else's

    context = await permissions.join_context(db, room.project_id, room.name, "max")
    assert context is not None and context.room.id == room.id
    ban = await permissions.active_ban(db, room.id, "max")
    assert ban is not None and (context.ban_id, context.ban_expires_at) == (ban.id, ban.expires_at)
    assert (context.existing_role, context.seated, context.muted) == (
        "member",
        True,
        {"microphone", "camera"},
    )
    with pytest.raises(Forbidden) as refused:
        context.ensure_not_banned("max")
    assert refused.value.code == "identity-banned"
    assert refused.value.extra["ban_permanent"] is False

    nobody = await permissions.join_context(db, room.project_id, room.name, "newcomer")
    assert nobody is not None
    assert (nobody.ban_id, nobody.existing_role, nobody.seated, nobody.muted) == (
        None,
        None,
        False,
        frozenset(),
    )
    nobody.ensure_not_banned("newcomer")
    assert await permissions.join_context(db, room.project_id, room.name + "-missing", "max") is None
    assert (
        await permissions.join_context(db, room.project_id + 1000, room.name, "max") is None
    )  # not its project


async def test_lifted_and_expired_bans_do_not_count(db: AsyncSession, make_room: MakeRoom) -> None:
    room = await make_room()
    await bans.upsert_ban(db, room, "max", expires_at=utcnow() - HOUR, reason="", actor="ada")
    await bans.upsert_ban(db, room, "mia", expires_at=None, reason="", actor="ada")
    await bans.lift_ban(db, room, "mia", caller=CALLER, actor="ada")
    for identity in ("max", "mia"):
        context = await permissions.join_context(db, room.project_id, room.name, identity)
        assert context is not None and context.ban_id is None, identity


STATES = list(
    itertools.product(
        (0, 2),  # seats: no stage / a stage
        ("audio", "video"),
        (False, True),  # seated
        ((), ("microphone",), ("camera", "screen_share"), permissions.SOURCES),  # active mutes
    )
)


@pytest.mark.parametrize(
    ("seats", "call_type", "seated", "muted"),
    [s for s in STATES if s[0] or not s[2]],  # no seat without a stage
    ids=lambda v: str(v),
)
async def test_join_context_grants_equal_effective_grants(
    db: AsyncSession, make_room: MakeRoom, seats: int, call_type: str, seated: bool, muted: tuple[str, ...]
) -> None:
    room = await make_room(seats=seats, call_type=call_type)
    if seated:
        await _seat(db, room, 1, "max")
    for source in muted:
        await _mute(db, room, "max", source, utcnow() + HOUR)
    context = await permissions.join_context(db, room.project_id, room.name, "max")
    assert context is not None
    assert (context.seated, context.muted) == (seated, frozenset(muted))
    for role in ("audience", "member", "admin", "owner"):
        expected = await permissions.effective_grants(db, room, "max", role)
        assert context.grants(role) == expected, role
        assert expected == permissions.grants_for_role(
            role, call_type, stage=seats > 0, seated=seated, muted=muted
        ), role
    # The rules themselves, spot-checked: mutes always remove their sources; a stage gates non-admins.
    member = context.grants("member")
    assert not set(muted) & set(member.can_publish_sources)
    assert member.can_publish == (bool(set(member.can_publish_sources)) and (seated or not seats))
    # No role's token is a LiveKit server-API credential unless the room opts in (client_admin).
    assert not any(context.grants(role).room_admin for role in ("audience", "member", "admin", "owner"))


async def test_join_grants_what_the_state_says(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway, settings: Any
) -> None:
    room = await make_room(seats=2, call_type="video")
    await _seat(db, room, 0, "aud")
    await _mute(db, room, "aud", "camera", None)
    admission = await participant_service.join(
        db, fake, settings, room.name, JoinRequest(identity="aud"), CALLER
    )
    assert admission.role == "audience"  # the stored role, since none was asked for
    assert admission.grants == await permissions.effective_grants(db, room, "aud", "audience")
    assert admission.grants.can_publish_sources == ("microphone",)
    owner = await participant_service.join(db, fake, settings, room.name, JoinRequest(identity=OWNER), CALLER)
    assert owner.role == "owner" and not owner.grants.room_admin
    room.client_admin = True  # the opt-in: the owner's token alone carries roomAdmin
    owner = await participant_service.join(db, fake, settings, room.name, JoinRequest(identity=OWNER), CALLER)
    assert owner.grants.room_admin and owner.grants.to_claim(room.name)["roomAdmin"] is True
    admin = await participant_service.join(db, fake, settings, room.name, JoinRequest(identity="ada"), CALLER)
    assert admin.role == "admin" and not admin.grants.room_admin
    newcomer = await participant_service.join(
        db, fake, settings, room.name, JoinRequest(identity="neo"), CALLER
    )
    assert newcomer.role == "member" and not newcomer.grants.can_publish  # a stage and no seat
    rows = await db.execute(
        select(Participant.identity, Participant.role).where(Participant.room_id == room.id)
    )
    assert dict(rows.tuples().all())["neo"] == "member"
    assert fake.calls == [], "a join without a capacity limit never calls LiveKit"


async def test_join_refusals(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway, settings: Any
) -> None:
    room = await make_room(max_participants=1)
    await bans.upsert_ban(db, room, "max", expires_at=None, reason="", actor="ada")
    with pytest.raises(Forbidden) as refused:
        await participant_service.join(db, fake, settings, room.name, JoinRequest(identity="max"), CALLER)
    assert (refused.value.code, refused.value.extra["ban_permanent"]) == ("identity-banned", True)
    with pytest.raises(Forbidden) as refused:
        await participant_service.join(
            db, fake, settings, room.name, JoinRequest(identity="mia", role="owner"), CALLER
        )
    assert refused.value.code == "owner-role-reserved"
    for identity, role in (("mia", "admin"), ("ada", "member")):  # grant or take away admin: moderation
        with pytest.raises(Forbidden) as refused:
            await participant_service.join(
                db, fake, settings, room.name, JoinRequest(identity=identity, role=role), ADMIN_CALLER
            )
        assert (refused.value.code, refused.value.extra["field"]) == ("role-requires-moderation", "role")
    with pytest.raises(NotFound):
        await participant_service.join(
            db, fake, settings, room.name + "-x", JoinRequest(identity="mia"), CALLER
        )

    # Capacity is LiveKit's live count: the fake holds one other participant, so the room is full.
    fake.connect(room.name, "ada")
    with pytest.raises(Conflict) as full:
        await participant_service.join(db, fake, settings, room.name, JoinRequest(identity="mia"), CALLER)
    assert full.value.code == "room-full"
    assert fake.calls == ["list_participants"]
    rejoin = await participant_service.join(
        db, fake, settings, room.name, JoinRequest(identity="ada"), ADMIN_CALLER
    )
    assert rejoin.role == "admin", "the one already inside may rejoin"

    # LiveKit known down: refused before anything is read or written (a token would be useless).
    fake.down = True
    with pytest.raises(LiveKitUnavailable):
        await participant_service.join(db, fake, settings, room.name, JoinRequest(identity="neo"), CALLER)
    count = (
        select(func.count())
        .select_from(Participant)
        .where(Participant.identity == "neo", Participant.room_id == room.id)
    )
    assert (await db.execute(count)).scalar_one() == 0


async def test_one_missed_ping_does_not_refuse_joins_two_do(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway, settings: Any
) -> None:
    """A ping that times out once (a saturated CPU, not LiveKit) lets joins on; two in a row refuse them."""
    room = await make_room()
    missed = LiveKitUnavailable("LiveKit is unreachable; retry shortly.")

    async def join(identity: str) -> Any:
        return await participant_service.join(
            db, fake, settings, room.name, JoinRequest(identity=identity), CALLER
        )

    fake.fail_next("ping", missed)
    with pytest.raises(LiveKitUnavailable):
        await fake.ping()
    assert (await join("one")).token
    fake.fail_next("ping", missed, times=2)
    for _ in range(2):
        with pytest.raises(LiveKitUnavailable):
            await fake.ping()
    with pytest.raises(LiveKitUnavailable):
        await join("two")
    await fake.ping()  # the first answer ends the outage
    assert (await join("three")).token
    rows = await db.execute(select(Participant.identity).where(Participant.room_id == room.id))
    assert set(rows.scalars()) & {"one", "two", "three"} == {"one", "three"}


async def test_invite_only_rooms_need_an_invitation_or_the_admin_scope(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway, settings: Any
) -> None:
    room = await make_room(invite_on=True)
    with pytest.raises(Forbidden) as refused:
        await participant_service.join(db, fake, settings, room.name, JoinRequest(identity="neo"), CALLER)
    assert refused.value.code == "invitation-required"
    invited = await participant_service.join(
        db, fake, settings, room.name, JoinRequest(identity="neo"), CALLER, via_invitation=True
    )
    operator = await participant_service.join(
        db, fake, settings, room.name, JoinRequest(identity="eve"), ADMIN_CALLER
    )
    assert (invited.identity, operator.identity) == ("neo", "eve")
