"""A join request is expired once, whoever gets there first (lobby/service.py on the real MariaDB).

A join reads the identity's latest request without a lock; if that request is pending past its time, the
join expires it lazily. The expiry job (``expire_due``) may expire it between the two: the join then must
see the job's result and not expire (audit, notify) it a second time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from roomsvc.config import LobbySettings
from roomsvc.db import utcnow
from roomsvc.lobby import service as lobby
from roomsvc.lobby.models import LobbyRequest
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import CALLER, MakeRoom, audit_of, load_room
from tests.support import eventually

SETTINGS = LobbySettings(request_ttl=60, deny_cooldown=0)


async def test_a_join_does_not_expire_again_a_request_the_job_expired_meanwhile(
    make_room: MakeRoom, fake: FakeLiveKitGateway, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    room = await make_room(call_type="audio")
    async with session_factory() as session, session.begin():
        first = await lobby.knock(
            session, fake, SETTINGS, await load_room(session, room.name), "bob", "Bob", None, CALLER
        )
        first_id = first.public_id
    async with session_factory() as joiner:
        # What a join read just before the job ran: the request, still pending, past its time. (Read
        # before its time is moved, so that no `roomsvc jobs` of the suite can expire it in between;
        # the join then holds the expiry time it would have read a moment later.)
        stale = (
            await joiner.execute(select(LobbyRequest).where(LobbyRequest.public_id == first_id))
        ).scalar_one()
        assert stale.status == "pending"
        past = utcnow() - dt.timedelta(seconds=1)
        set_committed_value(stale, "expires_at", past)
        async with session_factory() as session, session.begin():  # its time is up
            await session.execute(
                update(LobbyRequest).where(LobbyRequest.public_id == first_id).values(expires_at=past)
            )
        async with session_factory() as job, job.begin():
            await lobby.expire_due(job, fake)  # type: ignore[arg-type]

        async def status() -> str | None:
            async with session_factory() as check:
                return await check.scalar(
                    select(LobbyRequest.status).where(LobbyRequest.public_id == first_id)
                )

        # Expired by this job, or by a suite's `roomsvc jobs` on the same database: when that one holds
        # the row, this job skips it (SKIP LOCKED) and the row reads pending until that one commits.
        await eventually(status, check=lambda s: s == "expired", timeout=15, what="the request expired")
        again = await lobby.knock(
            joiner, fake, SETTINGS, await load_room(joiner, room.name), "bob", "Bob", stale, CALLER
        )
        await joiner.commit()
    assert again.public_id != first_id and again.status == "pending"
    async with session_factory() as session:
        audit = await audit_of(session, await load_room(session, room.name))
    expired = [e for e in audit if e["action"] == "join_request_expire"]
    assert [e["params"] for e in expired] == [{"request_id": first_id}]
