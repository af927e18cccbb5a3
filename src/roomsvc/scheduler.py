"""The one runner of every periodic task (THE JOB TABLE that lists them is ``roomsvc/jobs.py``).

A :class:`Job` names a body in ``<domain>/jobs.py``, how long to idle between runs, and who owns its
transaction:

- ``scheduler``: the runner opens ``async with session_factory() as s, s.begin()`` and passes ``s``; the
  body never commits (mute expiry, detection re-dispatch);
- ``job``: the body is given the session factory because it commits between phases (the delivery relay
  claims → sends over HTTP → records; the webhook applier commits, then evicts from LiveKit; the
  reconciler holds ``GET_LOCK`` on one connection while it repairs room by room).

The runner owns the loop around every body: a body returns how many items it handled; with ``drain``
it runs again at once while that is > 0, otherwise it idles ``every`` seconds, or until its wake event is
set (intake wakes the jobs' webhook appliers through Redis). A body that lost a lock conflict (MariaDB
deadlock 1213 or lock wait timeout 1205: its transaction was rolled back) runs again after a jittered
pause of a few milliseconds, up to ``db.conflict_attempts`` runs, before it counts as failed. A body
that fails is logged with structured fields and retried after an exponential backoff (``every``,
doubling, capped) that resets on the next success, so a database or LiveKit outage costs a few log
lines, not a hot loop. Every run updates the ``roomsvc_job_*`` metrics. Cancelling (shutdown) rolls back
an open transaction; leases left by a ``job``-owned body expire, so the work is picked up again.

Nothing here claims work: each body claims its rows in MySQL (``SELECT … FOR UPDATE SKIP LOCKED`` with
leases, or ``GET_LOCK``), which is why any number of processes may run the same table
(docs/architecture.md#background-jobs says why this is not APScheduler, arq, SAQ or taskiq).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Any

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc import metrics
from roomsvc.db import conflict_attempts, is_conflict, mysql_code, retry_delay
from roomsvc.errors import AppError

log = structlog.get_logger("roomsvc.scheduler")

SessionFactory = async_sessionmaker[AsyncSession]
SessionBody = Callable[[AsyncSession], Awaitable[int]]
FactoryBody = Callable[[SessionFactory], Awaitable[int]]
Wait = Callable[[float, asyncio.Event | None], Awaitable[None]]

BACKOFF_CAP = 10.0  # seconds; a job idling longer than this backs off to its own interval at most
MIN_RETRY = 0.1  # seconds; a failing job with a zero interval must still not spin


class Transaction(StrEnum):
    """Who opens and commits the transaction a job body runs in."""

    SCHEDULER = "scheduler"
    JOB = "job"


@dataclass(frozen=True, eq=False)
class Job:
    """One row of the job table. Build it with :meth:`in_transaction` or :meth:`owning_transaction`."""

    name: str
    run: FactoryBody
    every: float
    transaction: Transaction
    drain: bool = True
    first_after: float = 0.0
    backoff_cap: float = BACKOFF_CAP
    wake: asyncio.Event | None = field(default=None, repr=False)

    @classmethod
    def in_transaction(
        cls,
        name: str,
        body: SessionBody,
        *,
        every: float,
        drain: bool = True,
        first_after: float = 0.0,
        wakeable: bool = False,
    ) -> Job:
        """A body that takes a session: the scheduler opens the transaction and commits on return."""

        async def run(session_factory: SessionFactory) -> int:
            async with session_factory() as session, session.begin():
                return await body(session)

        return cls(
            name,
            run,
            every,
            Transaction.SCHEDULER,
            drain=drain,
            first_after=first_after,
            wake=asyncio.Event() if wakeable else None,
        )

    @classmethod
    def owning_transaction(
        cls,
        name: str,
        body: FactoryBody,
        *,
        every: float,
        drain: bool = True,
        first_after: float = 0.0,
        wakeable: bool = False,
        wake: asyncio.Event | None = None,
    ) -> Job:
        """A body that commits between phases itself: it is given the session factory. ``wake``: the
        job's wake-up event when the body watches it too (the delivery relay); ``wakeable``: a new one."""
        return cls(
            name,
            body,
            every,
            Transaction.JOB,
            drain=drain,
            first_after=first_after,
            wake=wake if wake is not None else asyncio.Event() if wakeable else None,
        )

    def notify(self) -> None:
        """Run the job now instead of at the end of its idle wait (no-op for a job without a wake)."""
        if self.wake is not None:
            self.wake.set()

    def retry_in(self, failures: int) -> float:
        """Seconds to wait after ``failures`` consecutive failures: ``every``, doubling, capped."""
        base = max(self.every, MIN_RETRY)
        return min(max(base, self.backoff_cap), base * 2.0 ** max(0, failures - 1))


async def wait_or_wake(seconds: float, wake: asyncio.Event | None) -> None:
    """Sleep ``seconds``, or less if ``wake`` is set meanwhile."""
    if wake is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), seconds)


async def cancel_until_done(tasks: Iterable[asyncio.Task[Any]], *, every: float = 1.0) -> None:
    """Cancel ``tasks`` and wait until every one has ended, cancelling again those still running after
    ``every`` seconds. Under Python 3.11 a cancellation can be lost inside library code (``asyncio.wait_for``
    whose inner await completes at the same moment returns its result and drops the cancel), and a loop
    that relied on one ``cancel()`` then runs on forever: seen as a rare hang of a test's delivery relay."""
    pending = set(tasks)
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=every)


LAG_EVERY = 0.25  # seconds between the loop watcher's wake-ups
LAG_WARN = 1.0  # seconds late above which a wake-up is logged


async def watch_loop(every: float = LAG_EVERY, warn: float = LAG_WARN) -> None:
    """Log ``event_loop.blocked`` when this process's event loop wakes this task over ``warn`` seconds
    late: something ran without yielding (a blocking call, a long CPU-bound step) and every job of the
    process stood still meanwhile. It tells such a stall from a job waiting on MySQL or HTTP, which
    leaves the loop free."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(every)
        late = time.perf_counter() - before - every
        if late > warn:
            log.warning("event_loop.blocked", seconds=round(late, 2))


def _expected(exc: Exception) -> bool:
    """A dependency away (MySQL, LiveKit): worth a warning line, not a traceback."""
    return isinstance(exc, DBAPIError | OSError | TimeoutError) or (
        isinstance(exc, AppError) and exc.status >= 500
    )


class Scheduler:
    """Runs each job of a table in its own task until :meth:`stop` (or the ``async with`` block ends)."""

    def __init__(
        self, session_factory: SessionFactory, jobs: Sequence[Job], *, wait: Wait = wait_or_wake
    ) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        self.session_factory = session_factory
        self.jobs = tuple(jobs)
        self._wait = wait
        self._tasks: list[asyncio.Task[None]] = []

    def job(self, name: str) -> Job:
        return next(job for job in self.jobs if job.name == name)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self.run(job), name=job.name) for job in self.jobs]
        log.info("scheduler.started", jobs=[job.name for job in self.jobs])

    async def stop(self) -> None:
        await cancel_until_done(self._tasks)
        self._tasks = []
        log.info("scheduler.stopped", jobs=[job.name for job in self.jobs])

    async def __aenter__(self) -> Scheduler:
        self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def run(self, job: Job) -> None:
        """The loop of one job, forever (until cancelled)."""
        if job.first_after:
            await self._wait(job.first_after, job.wake)
        failures = conflicts = 0
        while True:
            if job.wake is not None:
                job.wake.clear()  # a notify() during the run below makes the next wait return at once
            started = time.perf_counter()
            try:
                items = await job.run(self.session_factory)
            except Exception as exc:
                if is_conflict(exc) and conflicts + 1 < conflict_attempts(exc):
                    # Lost a deadlock (or a lock wait): the transaction was rolled back, and every body is
                    # written to be run again. Not a failure: again soon, after a jittered pause.
                    conflicts += 1
                    metrics.observe_job(job.name, time.perf_counter() - started, 0)
                    metrics.observe_conflict(job.name, "retried")
                    delay = retry_delay(conflicts)
                    log.info(
                        "job.conflict_retried",
                        job=job.name,
                        attempt=conflicts,
                        mysql_code=mysql_code(exc),
                        retry_in=round(delay, 4),
                    )
                    await self._wait(delay, None)
                    continue
                if is_conflict(exc):
                    metrics.observe_conflict(job.name, "exhausted")
                conflicts = 0
                metrics.observe_job(job.name, time.perf_counter() - started, None)
                failures += 1
                delay = job.retry_in(failures)
                log.warning(
                    "job.failed",
                    job=job.name,
                    failures=failures,
                    retry_in=delay,
                    error=f"{type(exc).__name__}: {exc}"[:300],
                    exc_info=not _expected(exc),
                )
                await self._wait(delay, job.wake)
                continue
            metrics.observe_job(job.name, time.perf_counter() - started, items)
            conflicts = 0
            if failures:
                log.info("job.recovered", job=job.name, failures=failures)
                failures = 0
            if job.drain and items > 0:
                await asyncio.sleep(0)  # let the other jobs of this process run between batches
                continue
            await self._wait(job.every, job.wake)
