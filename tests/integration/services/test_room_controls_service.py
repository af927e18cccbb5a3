"""Room-wide controls at the service layer: the live push (who gets one) and the expiry job.

``moderation.jobs.expire_room_controls`` claims every room whose controls are due, so this module runs on
an isolated database (a fresh, migrated copy) where the only rooms are the ones its tests write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.db import create_engine, create_session_factory, utcnow
from roomsvc.errors import Forbidden
from roomsvc.moderation import controls, jobs, permissions
from roomsvc.rooms.models import Room
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import MakeRoom, act, audit_of, events_of, load_room
from tests.stack import create_isolated_database, drop_database


@pytest.fixture(scope="module")
async def session_factory(
    stack_env: dict[str, str], migrated_db: str, settings: Any
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Overrides tests/conftest.py's: sessions on an isolated database, for this module only."""
    url = await create_isolated_database(migrated_db, stack_env)
    engine = create_engine(dataclasses.replace(settings.database, url=url))
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


def _connect_everyone(fake: FakeLiveKitGateway, room: Room) -> None:
    """olivia (owner), ada (admin), mia (member), aud (audience) and an agent, with their full sets."""
    for identity, role in [("olivia", "owner"), ("ada", "admin"), ("mia", "member"), ("aud", "audience")]:
        fake.connect(room.name, identity, grants=permissions.grants_for_role(role, room.call_type))
    fake.connect(room.name, "agent-1", kind="agent")


async def test_a_control_reaches_members_and_audience_not_owners_admins_or_agents(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await load_room(db, (await make_room(call_type="video")).name, for_update=True)
    _connect_everyone(fake, room)
    with pytest.raises(Forbidden):
        await controls.set_controls(act(db, fake, room), {"audio": True}, actor="mia")

    await controls.set_controls(act(db, fake, room), {"data": True, "video": True}, actor="ada")

    assert fake.grants_pushed(room.name, "olivia") == fake.grants_pushed(room.name, "ada") == []
    assert fake.grants_pushed(room.name, "agent-1") == []
    (member,) = fake.grants_pushed(room.name, "mia")
    assert member == permissions.grants_for_role("member", "video", controls={"data", "video"})
    assert "camera" not in member.can_publish_sources and member.can_publish_data is False
    # The audience publishes nothing anyway: only its data permission changes.
    (audience,) = fake.grants_pushed(room.name, "aud")
    assert audience.can_publish is False and audience.can_publish_data is False
    (entry,) = await audit_of(db, room)
    assert entry["action"] == "controls" and entry["params"]["applied_live"] == 2
    assert entry["params"]["changed"] == ["video", "data"]

    # The same request again changes nothing: no push, no audit entry.
    calls = len(fake.calls)
    await controls.set_controls(act(db, fake, room), {"data": True, "video": True}, actor="ada")
    assert len(fake.calls) == calls and len(await audit_of(db, room)) == 1


async def test_due_controls_are_switched_off_and_pushed_once(
    make_room: MakeRoom, fake: FakeLiveKitGateway, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    due, later = utcnow() - dt.timedelta(seconds=1), utcnow() + dt.timedelta(hours=1)
    room = await make_room(call_type="audio")
    ended = await make_room(status="ended")
    async with session_factory() as setup, setup.begin():
        await setup.execute(
            update(Room)
            .where(Room.id == room.id)
            .values(
                audio_disabled=True,
                audio_disabled_until=due,
                data_disabled=True,
                data_disabled_until=later,
                controls_expire_at=due,
            )
        )
        await setup.execute(
            update(Room)
            .where(Room.id == ended.id)
            .values(video_disabled=True, video_disabled_until=due, controls_expire_at=due)
        )
    fake.connect(
        room.name, "mia", grants=permissions.grants_for_role("member", "audio", controls={"audio", "data"})
    )

    async with session_factory() as first, session_factory() as second:
        assert await jobs.expire_room_controls(first, fake) == 2
        assert await jobs.expire_room_controls(second, fake) == 0  # SKIP LOCKED: nothing twice
        await first.commit()
        await second.rollback()

    (pushed,) = fake.grants_pushed(room.name, "mia")
    assert pushed == permissions.grants_for_role("member", "audio", controls={"data"})
    assert pushed.can_publish_sources == ("microphone",) and pushed.can_publish_data is False
    async with session_factory() as check:
        after = await load_room(check, room.name)
        assert (after.audio_disabled, after.audio_disabled_until) == (False, None)
        assert after.data_disabled and after.controls_expire_at == after.data_disabled_until
        (entry,) = await audit_of(check, after)
        assert entry["caller"] == "system" and entry["actor"] is None
        assert entry["reason"] == "controls expired" and entry["params"]["changed"] == ["audio"]
        assert await events_of(check, after) == ["room.controls_changed"]
        gone = await load_room(check, ended.name)
        assert not gone.video_disabled and gone.controls_expire_at is None
        assert [e["params"]["applied_live"] for e in await audit_of(check, gone)] == [0]
        assert await jobs.expire_room_controls(check, fake) == 0
