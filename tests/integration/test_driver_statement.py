"""``db.DriverStatement`` on the real MariaDB: Core statements compiled once and run by the driver.

- the columns' types convert both ways as through SQLAlchemy (aware UTC datetimes in and out, booleans);
- it runs in the connection's transaction: a rollback at the edge undoes its write;
- a driver error is raised as SQLAlchemy's (``DBAPIError`` subclasses), so the retry and 503 mapping
  that look for those see it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, bindparam, column, select, table
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine

from roomsvc.db import DriverStatement, UTCDateTime, utcnow

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
async def engine(session_factory: Any) -> Any:
    async with session_factory() as session:
        engine: AsyncEngine = session.bind
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)


async def test_values_convert_both_ways_and_the_write_is_in_the_edges_transaction(engine: Any) -> None:
    tag = uuid.uuid4().hex
    at = utcnow().replace(microsecond=123456)
    insert = DriverStatement.compile(
        probe.insert().values(tag=bindparam("tag"), at=bindparam("at"), flag=bindparam("flag")),
        engine.dialect,
    )
    read = DriverStatement.compile(
        select(probe.c.tag, probe.c.at, probe.c.flag).where(probe.c.tag == bindparam("tag")), engine.dialect
    )
    async with engine.connect() as connection:
        await insert.execute(connection, {"tag": tag, "at": at, "flag": True})
        rows = await read.execute(connection, {"tag": tag})
        assert rows == [(tag, at, True)] and rows[0][1].tzinfo is not None
        await connection.rollback()  # as the request edge does when the handler raised
    async with engine.connect() as connection:
        assert await read.execute(connection, {"tag": tag}) == []
        await insert.execute(connection, {"tag": tag, "at": at, "flag": False})
        await connection.commit()
    async with engine.connect() as connection:
        assert await read.execute(connection, {"tag": tag}) == [(tag, at, False)]
    with pytest.raises(ValueError, match="naive"):  # the column type's own check still runs
        async with engine.connect() as connection:
            await insert.execute(connection, {"tag": tag, "at": dt.datetime(2026, 1, 1), "flag": True})


async def test_a_driver_error_is_raised_as_sqlalchemys(engine: Any) -> None:
    missing = DriverStatement.compile(
        select(column("x")).select_from(table("no_such_table_here", column("x"))), engine.dialect
    )
    async with engine.connect() as connection:
        with pytest.raises(ProgrammingError) as raised:
            await missing.execute(connection, {})
    assert raised.value.orig is not None and raised.value.orig.args[0] == 1146  # ER_NO_SUCH_TABLE
