"""``db.DriverPool`` and ``db.DriverStatement`` on the real MariaDB: the join route's transactions on driver
connections, with Core statements compiled once and run by the driver.

- the columns' types convert both ways as through SQLAlchemy (aware UTC datetimes in and out, booleans);
- the pool's transaction is the request edge: committed when its body succeeds, rolled back when it
  raises; its connections have the engine's session settings (UTC, READ COMMITTED);
- a driver error is raised as SQLAlchemy's (``DBAPIError`` subclasses), so the retry and 503 mapping
  that look for those see it: a deadlock is a conflict, a killed connection a disconnect;
- a lost connection is never reused, and the pool recovers by itself; at most ``pool_size``
  connections, and a caller that waits longer than ``timeout`` for one gets the pool's TimeoutError.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine

from roomsvc.db import DriverPool, DriverStatement, UTCDateTime, is_conflict, is_disconnect, utcnow

metadata = MetaData()
probe = Table(
    "driver_statement_probe",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tag", String(64)),
    Column("at", UTCDateTime()),
    Column("flag", Boolean),
)


@pytest.fixture
async def engine(session_factory: Any) -> AsyncIterator[AsyncEngine]:
    async with session_factory() as session:
        engine: AsyncEngine = session.bind
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)


@pytest.fixture
async def pool(engine: AsyncEngine, settings: Any) -> AsyncIterator[DriverPool]:
    driver_pool = DriverPool(engine, settings.database)
    yield driver_pool
    await driver_pool.close()


def _statements(engine: AsyncEngine) -> tuple[DriverStatement, DriverStatement]:
    insert = DriverStatement.compile(
        probe.insert().values(tag=bindparam("tag"), at=bindparam("at"), flag=bindparam("flag")),
        engine.dialect,
    )
    read = DriverStatement.compile(
        select(probe.c.tag, probe.c.at, probe.c.flag).where(probe.c.tag == bindparam("tag")), engine.dialect
    )
    return insert, read


async def _rows(engine: AsyncEngine, tag: str) -> list[Any]:
    async with engine.connect() as connection:
        return list(await connection.execute(select(probe.c.tag).where(probe.c.tag == tag)))


class Boom(Exception):
    pass


async def test_values_convert_both_ways_and_the_transaction_is_the_edges(
    engine: Any, pool: DriverPool
) -> None:
    insert, read = _statements(engine)
    tag = uuid.uuid4().hex
    at = utcnow().replace(microsecond=123456)
    with pytest.raises(Boom):
        async with pool.transaction() as transaction:
            await insert.execute(transaction, {"tag": tag, "at": at, "flag": True})
            rows = await read.execute(transaction, {"tag": tag})
            assert rows == [(tag, at, True)] and rows[0][1].tzinfo is not None
            raise Boom  # the handler raised: the edge rolls back
    assert await _rows(engine, tag) == []
    async with pool.transaction() as transaction:
        await insert.execute(transaction, {"tag": tag, "at": at, "flag": False})
    assert len(await _rows(engine, tag)) == 1  # committed at the end of the body
    async with pool.transaction() as transaction:
        assert await read.execute(transaction, {"tag": tag}) == [(tag, at, False)]
    with pytest.raises(ValueError, match="naive"):  # the column type's own check still runs
        async with pool.transaction() as transaction:
            await insert.execute(transaction, {"tag": tag, "at": dt.datetime(2026, 1, 1), "flag": True})


async def test_its_connections_have_the_engines_session_settings(pool: DriverPool) -> None:
    settings = DriverStatement.compile(
        select(literal_column("@@session.time_zone"), literal_column("@@session.tx_isolation")), pool.dialect
    )
    async with pool.transaction() as transaction:
        assert await settings.execute(transaction, {}) == [("+00:00", "READ-COMMITTED")]


async def test_a_driver_error_is_raised_as_sqlalchemys_and_the_connection_is_kept(
    engine: Any, pool: DriverPool
) -> None:
    missing = DriverStatement.compile(
        select(column("x")).select_from(table("no_such_table_here", column("x"))), engine.dialect
    )
    connection_id = DriverStatement.compile(select(func.connection_id()), engine.dialect)
    async with pool.transaction() as transaction:
        (before,) = (await connection_id.execute(transaction, {}))[0]
    with pytest.raises(ProgrammingError) as raised:
        async with pool.transaction() as transaction:
            await missing.execute(transaction, {})
    assert raised.value.orig is not None and raised.value.orig.args[0] == 1146  # ER_NO_SUCH_TABLE
    assert not is_disconnect(raised.value)
    async with pool.transaction() as transaction:
        assert (await connection_id.execute(transaction, {}))[0][0] == before  # reused: nothing was lost


async def test_a_deadlock_is_a_conflict_and_rolls_its_transaction_back(engine: Any, pool: DriverPool) -> None:
    insert, _ = _statements(engine)
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    async with pool.transaction() as transaction:
        await insert.execute(transaction, {"tag": first, "at": utcnow(), "flag": True})
        await insert.execute(transaction, {"tag": second, "at": utcnow(), "flag": True})
    id_of = DriverStatement.compile(select(probe.c.id).where(probe.c.tag == bindparam("tag")), engine.dialect)
    async with pool.transaction() as transaction:
        ids = {tag: (await id_of.execute(transaction, {"tag": tag}))[0][0] for tag in (first, second)}
    # By primary key: each statement locks its one row only.
    lock = DriverStatement.compile(
        select(probe.c.id).where(probe.c.id == bindparam("id")).with_for_update(), engine.dialect
    )
    mark = DriverStatement.compile(
        probe.update().where(probe.c.id == bindparam("id")).values(flag=bindparam("new_flag")), engine.dialect
    )
    both_hold_one = asyncio.Barrier(2)

    async def cross(mine: str, theirs: str) -> None:
        async with pool.transaction() as transaction:
            await lock.execute(transaction, {"id": ids[mine]})
            await mark.execute(transaction, {"id": ids[mine], "new_flag": False})
            await asyncio.wait_for(both_hold_one.wait(), 30)
            await lock.execute(transaction, {"id": ids[theirs]})

    results = await asyncio.gather(cross(first, second), cross(second, first), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], DBAPIError), results
    assert is_conflict(failures[0]) and not is_disconnect(failures[0])
    async with engine.connect() as connection:  # the loser's write was rolled back, the winner's kept
        flags = dict((await connection.execute(select(probe.c.tag, probe.c.flag))).all())
    assert sorted([flags[first], flags[second]]) == [False, True]


async def test_a_lost_connection_is_a_disconnect_and_the_pool_recovers(engine: Any, pool: DriverPool) -> None:
    connection_id = DriverStatement.compile(select(func.connection_id()), engine.dialect)
    holding = asyncio.Event()
    release = asyncio.Event()

    async def idle_one() -> int:  # a second connection, idle in the pool when the first one is lost
        async with pool.transaction() as transaction:
            (cid,) = (await connection_id.execute(transaction, {}))[0]
            holding.set()
            await release.wait()
        return int(cid)

    other_task = asyncio.create_task(idle_one())
    await holding.wait()
    with pytest.raises(DBAPIError) as raised:
        async with pool.transaction() as transaction:
            (victim,) = (await connection_id.execute(transaction, {}))[0]
            async with engine.connect() as admin:
                await admin.execute(text(f"KILL CONNECTION {int(victim)}"))
            await connection_id.execute(transaction, {})
    release.set()
    other = await other_task
    assert is_disconnect(raised.value) and not is_conflict(raised.value)
    async with pool.transaction() as transaction:
        (fresh,) = (await connection_id.execute(transaction, {}))[0]
    # Neither the lost connection nor one opened before the loss is used again.
    assert fresh not in (victim, other)


async def test_at_most_pool_size_connections_then_the_pools_timeout(engine: Any, settings: Any) -> None:
    small = DriverPool(engine, dataclasses.replace(settings.database, pool_size=1, timeout=0.2))
    connection_id = DriverStatement.compile(select(func.connection_id()), engine.dialect)
    try:
        async with small.transaction() as transaction:
            (held,) = (await connection_id.execute(transaction, {}))[0]
            with pytest.raises(PoolTimeoutError):
                async with small.transaction():
                    pass
        async with small.transaction() as transaction:  # the slot came back, with its connection
            assert (await connection_id.execute(transaction, {}))[0][0] == held
    finally:
        await small.close()


async def test_a_transaction_cancelled_mid_statement_closes_its_connection(
    engine: Any, pool: DriverPool
) -> None:
    connection_id = DriverStatement.compile(select(func.connection_id()), engine.dialect)
    sleep = DriverStatement.compile(select(func.sleep(bindparam("seconds"))), engine.dialect)
    running = asyncio.Event()
    cancelled_id: list[int] = []

    async def slow() -> None:
        async with pool.transaction() as transaction:
            cancelled_id.append(int((await connection_id.execute(transaction, {}))[0][0]))
            running.set()
            await sleep.execute(transaction, {"seconds": 30})

    task = asyncio.create_task(slow())
    await running.wait()
    await asyncio.sleep(0.2)  # the SLEEP is on the wire
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Its reply would still arrive on that connection: it is closed, not returned to the pool.
    async with pool.transaction() as transaction:
        assert (await connection_id.execute(transaction, {}))[0][0] != cancelled_id[0]
        assert await sleep.execute(transaction, {"seconds": 0}) == [(0,)]


async def test_a_database_that_cannot_be_reached_is_a_disconnect(settings: Any) -> None:
    from sqlalchemy.engine import make_url

    from roomsvc.db import create_engine

    unreachable = dataclasses.replace(
        settings.database,
        url=make_url(settings.database.url).set(port=1).render_as_string(hide_password=False),
    )
    engine = create_engine(unreachable)
    pool = DriverPool(engine, unreachable)
    try:
        with pytest.raises(DBAPIError) as raised:
            async with pool.transaction():
                pass
        assert is_disconnect(raised.value)
    finally:
        await pool.close()
        await engine.dispose()
