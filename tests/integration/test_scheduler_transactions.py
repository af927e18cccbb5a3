"""The transaction the job runner owns, on the real MariaDB: committed after a body that returns, rolled
back after one that raises or is cancelled (roomsvc.scheduler, ``Job.in_transaction``)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from roomsvc.scheduler import Job, Scheduler, Transaction


class _Stop(BaseException):
    """Ends a job's loop from its first wait."""


async def _stop_at_first_wait(seconds: float, wake: asyncio.Event | None) -> None:
    raise _Stop


@pytest.fixture
async def probe(session_factory: Any) -> AsyncIterator[str]:
    """A scratch table and this test's own marker; the body writes the marker in its transaction."""
    async with session_factory() as session:
        await session.execute(
            text(
                "CREATE TABLE IF NOT EXISTS scheduler_probe (id INT AUTO_INCREMENT PRIMARY KEY, marker VARCHAR(64))"
            )
        )
    yield uuid.uuid4().hex
    async with session_factory() as session:  # leave the schema as the migrations made it
        await session.execute(text("DROP TABLE IF EXISTS scheduler_probe"))


async def _rows(session_factory: Any, marker: str) -> int:
    async with session_factory() as session:
        query = text("SELECT COUNT(*) FROM scheduler_probe WHERE marker = :m")
        return int((await session.execute(query, {"m": marker})).scalar_one())


async def _write(session: Any, marker: str) -> None:
    await session.execute(text("INSERT INTO scheduler_probe (marker) VALUES (:m)"), {"m": marker})


async def test_the_scheduler_commits_the_transaction_of_a_body_that_returns(
    session_factory: Any, probe: str
) -> None:
    async def body(session: Any) -> int:
        await _write(session, probe)
        return 0

    job = Job.in_transaction("test-in-transaction", body, every=1.0)
    assert job.transaction is Transaction.SCHEDULER
    with pytest.raises(_Stop):
        await Scheduler(session_factory, [job], wait=_stop_at_first_wait).run(job)
    assert await _rows(session_factory, probe) == 1


async def test_a_failing_session_body_is_rolled_back(session_factory: Any, probe: str) -> None:
    async def body(session: Any) -> int:
        await _write(session, probe)
        raise ValueError("bad row")

    job = Job.in_transaction("test-rollback", body, every=1.0)
    with pytest.raises(_Stop):
        await Scheduler(session_factory, [job], wait=_stop_at_first_wait).run(job)
    assert await _rows(session_factory, probe) == 0


async def test_stop_cancels_a_running_body_and_rolls_its_transaction_back(
    session_factory: Any, probe: str
) -> None:
    written = asyncio.Event()

    async def body(session: Any) -> int:
        await _write(session, probe)
        written.set()
        await asyncio.Event().wait()  # a body stuck mid-transaction (a slow query, a LiveKit call)
        return 1

    stuck = Job.in_transaction("test-cancel", body, every=1.0)
    scheduler = Scheduler(session_factory, [stuck])
    scheduler.start()
    await asyncio.wait_for(written.wait(), 30)  # a guard against a hang, not a timing assertion
    await scheduler.stop()
    assert await _rows(session_factory, probe) == 0
    failures = REGISTRY.get_sample_value("roomsvc_job_failures_total", {"job": "test-cancel"}) or 0.0
    assert failures == 0  # cancelling is not a failure
