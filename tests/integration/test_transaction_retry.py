"""A request whose transaction loses a real MariaDB deadlock is run again (``roomsvc.retry``).

Each test builds a small Litestar app with the production pieces of the edge: the request's session
(``idempotency.provide_session``, the app's ``db_session``), ``TransactionRetryMiddleware`` and the app's
database error handler. Its route locks row A, then row B of a probe table. A partner transaction on
another connection, made heavier first (it inserts rows, so InnoDB picks the request as the victim),
holds B and asks for A: a lock cycle, which InnoDB breaks by rolling the request back with 1213. The
partner takes A and rolls back; the middleware re-runs the request.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar, post
from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from roomsvc import db, idempotency
from roomsvc.app import app_error_handler, database_error_handler, observe_livekit_call
from roomsvc.errors import AppError
from roomsvc.retry import TransactionRetryMiddleware


@pytest.fixture(scope="module")
async def probe_url(migrated_db: str) -> AsyncIterator[str]:
    """A scratch database with one table: rows 1 (A) and 2 (B)."""
    url = make_url(migrated_db)
    name = f"{url.database}_retry_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(migrated_db)
    async with admin.begin() as connection:
        await connection.execute(text(f"CREATE DATABASE `{name}`"))
    probe = url.set(database=name).render_as_string(hide_password=False)
    engine = create_async_engine(probe)
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE probe (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB")
        )
        await connection.execute(text("CREATE TABLE ballast (id INT AUTO_INCREMENT PRIMARY KEY, x INT)"))
    await engine.dispose()
    yield probe
    async with admin.begin() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    await admin.dispose()


@pytest.fixture
async def engine(probe_url: str, settings: Any) -> AsyncIterator[AsyncEngine]:
    import dataclasses

    engine = db.create_engine(dataclasses.replace(settings.database, url=probe_url))
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM probe"))
        await connection.execute(text("INSERT INTO probe (id, n) VALUES (1, 0), (2, 0)"))
    yield engine
    await engine.dispose()


class Partner:
    """The other side of the cycle, on its own connection: holds B (after inserting ballast, so that it
    weighs more than the request), then asks for A and rolls back once it has it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.took_a = 0

    async def hold_b(self) -> Any:
        connection = await self.engine.connect()
        await connection.begin()
        await connection.execute(text("INSERT INTO ballast (x) VALUES (:x)"), [{"x": 1}] * 50)
        await connection.execute(text("SELECT n FROM probe WHERE id = 2 FOR UPDATE"))
        return connection

    async def take_a(self, connection: Any) -> None:
        try:
            await connection.execute(text("SELECT n FROM probe WHERE id = 1 FOR UPDATE"))
            self.took_a += 1
        finally:
            await connection.rollback()
            await connection.close()


def _app(engine: AsyncEngine, *, deadlocks: int, side_effect: bool = False) -> tuple[Litestar, list[int]]:
    runs: list[int] = []
    partner = Partner(engine)
    partners: list[asyncio.Task[None]] = []

    @post("/work", status_code=200)
    async def work(db_session: AsyncSession, data: dict[str, int]) -> dict[str, int]:
        runs.append(len(runs) + 1)
        await db_session.execute(text("SELECT n FROM probe WHERE id = 1 FOR UPDATE"))  # A
        if side_effect:
            observe_livekit_call("SendData", 0.0, "ok")  # what the gateway reports for a notice
        if len(runs) <= deadlocks:
            connection = await partner.hold_b()
            partners.append(asyncio.create_task(partner.take_a(connection)))
        await db_session.execute(text("SELECT n FROM probe WHERE id = 2 FOR UPDATE"))  # B: the cycle
        await db_session.execute(text("UPDATE probe SET n = n + :by WHERE id = 2"), {"by": data["by"]})
        return {"runs": len(runs)}

    app = Litestar(
        route_handlers=[work],
        dependencies={"db_session": Provide(idempotency.provide_session)},
        middleware=[TransactionRetryMiddleware],
        exception_handlers={AppError: app_error_handler, SQLAlchemyError: database_error_handler},
        state=State({"session_factory": db.create_session_factory(engine)}),
    )
    app.state.partners = partners
    app.state.partner = partner
    return app, runs


def _client(app: Litestar) -> httpx.AsyncClient:
    """The app called in this event loop (where the engine's connections live), without a server."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def _b(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT n FROM probe WHERE id = 2"))).scalar_one())


async def _deadlocks(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        row = (await connection.execute(text("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'"))).one()
        return int(row[1])


async def test_a_request_that_loses_a_deadlock_is_run_again_and_succeeds(engine: AsyncEngine) -> None:
    app, runs = _app(engine, deadlocks=1)
    before = await _deadlocks(engine)
    async with _client(app) as client:
        response = await client.post("/work", json={"by": 5})
    await asyncio.gather(*app.state.partners)
    assert response.status_code == 200, response.text
    assert response.json() == {"runs": 2}
    assert runs == [1, 2]
    assert app.state.partner.took_a == 1  # the partner won the cycle: the request was the victim
    assert await _deadlocks(engine) >= before + 1
    assert await _b(engine) == 5  # applied once: the first run's work was rolled back


async def test_a_request_that_keeps_deadlocking_gets_a_clear_problem(engine: AsyncEngine) -> None:
    app, runs = _app(engine, deadlocks=100)
    async with _client(app) as client:
        response = await client.post("/work", json={"by": 5})
    await asyncio.gather(*app.state.partners)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "1"
    body = response.json()
    assert body["code"] == "transaction-conflict"
    assert body["type"] == "urn:roomsvc:problem:transaction-conflict"
    assert "retry" in body["detail"]
    assert len(runs) == db.CONFLICT_ATTEMPTS
    assert app.state.partner.took_a == db.CONFLICT_ATTEMPTS
    assert await _b(engine) == 0


async def test_a_request_with_a_side_effect_is_not_run_again(engine: AsyncEngine) -> None:
    """A LiveKit call that a second run would repeat (SendData) was made before the deadlock: the rollback
    cannot undo it, so the request is answered 409 after its one run."""
    app, runs = _app(engine, deadlocks=1, side_effect=True)
    async with _client(app) as client:
        response = await client.post("/work", json={"by": 5})
    await asyncio.gather(*app.state.partners)
    assert response.status_code == 409
    assert response.json()["code"] == "transaction-conflict"
    assert runs == [1]
    assert await _b(engine) == 0
