"""The job runner (roomsvc.scheduler): backoff and its reset, drain, wake, the transaction it owns, cancel.

No services: the bodies are plain coroutines that take no session (the transaction the runner owns is
tested on the real MariaDB in tests/integration/test_scheduler_transactions.py). Waits are recorded
instead of slept (``Scheduler(wait=…)``), so nothing here depends on timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, cast

import pytest
from prometheus_client import REGISTRY
from structlog.testing import CapturingLogger

from roomsvc import scheduler as scheduler_module
from roomsvc.scheduler import BACKOFF_CAP, Job, Scheduler, SessionFactory


class _Stop(BaseException):
    """Ends a job's loop from inside a recorded wait (a BaseException, like cancellation)."""


# The bodies here take no session: they are handed the factory and ignore it. How the runner opens,
# commits and rolls back transactions is tested on the real MariaDB in
# tests/integration/test_scheduler_transactions.py.
NO_SESSIONS = cast(SessionFactory, None)


class _Recorder:
    """A ``wait`` that records (seconds, woken-by) and stops the loop after ``limit`` waits."""

    def __init__(self, journal: list[Any], limit: int) -> None:
        self.journal = journal
        self.limit = limit
        self.waits: list[float] = []

    async def __call__(self, seconds: float, wake: asyncio.Event | None) -> None:
        self.waits.append(seconds)
        self.journal.append(("wait", seconds))
        if len(self.waits) >= self.limit:
            raise _Stop


def _outcomes(*results: int | Exception) -> Iterator[int | Exception]:
    yield from results


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> CapturingLogger:
    logger = CapturingLogger()
    monkeypatch.setattr(scheduler_module, "log", logger)
    return logger


def _metric(name: str, job: str) -> float:
    return REGISTRY.get_sample_value(name, {"job": job}) or 0.0


async def test_a_failing_body_is_logged_and_backs_off_exponentially_then_resets(
    captured: CapturingLogger,
) -> None:
    results = _outcomes(*[RuntimeError("boom")] * 5, 0, RuntimeError("boom again"))

    async def body(session_factory: SessionFactory) -> int:
        result = next(results)
        if isinstance(result, Exception):
            raise result
        return result

    job = Job.owning_transaction("test-backoff", body, every=1.0)
    recorder = _Recorder([], limit=7)
    with pytest.raises(_Stop):
        await Scheduler(NO_SESSIONS, [job], wait=recorder).run(job)

    # 1, 2, 4, 8, then the cap; the success idles `every` and resets the count, so the next failure
    # waits 1 s again instead of staying at the cap.
    assert recorder.waits == [1.0, 2.0, 4.0, 8.0, BACKOFF_CAP, 1.0, 1.0]
    failed = [c.kwargs for c in captured.calls if c.args == ("job.failed",)]
    assert [f["failures"] for f in failed] == [1, 2, 3, 4, 5, 1]
    assert [f["retry_in"] for f in failed] == [1.0, 2.0, 4.0, 8.0, BACKOFF_CAP, 1.0]
    assert {f["job"] for f in failed} == {"test-backoff"}
    assert failed[0]["error"] == "RuntimeError: boom"
    assert failed[-1]["error"] == "RuntimeError: boom again"
    assert failed[0]["exc_info"] is True  # an unexpected error keeps its traceback
    recovered = [c.kwargs for c in captured.calls if c.args == ("job.recovered",)]
    assert recovered == [{"job": "test-backoff", "failures": 5}]
    assert _metric("roomsvc_job_runs_total", "test-backoff") == 7
    assert _metric("roomsvc_job_failures_total", "test-backoff") == 6


async def test_a_dependency_outage_is_a_warning_without_traceback(captured: CapturingLogger) -> None:
    async def body(session_factory: SessionFactory) -> int:
        raise ConnectionRefusedError("database away")

    job = Job.owning_transaction("test-outage", body, every=0.5)
    with pytest.raises(_Stop):
        await Scheduler(NO_SESSIONS, [job], wait=_Recorder([], limit=1)).run(job)
    (failed,) = [c for c in captured.calls if c.args == ("job.failed",)]
    assert failed.method_name == "warning"
    assert failed.kwargs["exc_info"] is False


def test_backoff_never_waits_less_than_the_interval_nor_spins_at_zero() -> None:
    async def body(session_factory: SessionFactory) -> int:
        return 0

    slow = Job.owning_transaction("slow", body, every=60.0, drain=False)
    assert [slow.retry_in(n) for n in (1, 2, 5)] == [60.0, 60.0, 60.0]
    busy = Job.owning_transaction("busy", body, every=0.0)
    assert busy.retry_in(1) > 0
    assert busy.retry_in(3) == 4 * busy.retry_in(1)


async def test_drain_reruns_at_once_while_the_body_reports_work() -> None:
    journal: list[Any] = []

    def job(name: str, drain: bool) -> Job:
        results = iter((3, 2, 0, 5, 0))

        async def body(session_factory: SessionFactory) -> int:
            journal.append("run")
            return next(results)

        return Job.owning_transaction(name, body, every=0.25, drain=drain)

    draining = job("test-drain", drain=True)
    with pytest.raises(_Stop):
        await Scheduler(NO_SESSIONS, [draining], wait=_Recorder(journal, limit=2)).run(draining)
    assert journal == ["run", "run", "run", ("wait", 0.25), "run", "run", ("wait", 0.25)]
    assert _metric("roomsvc_job_items_total", "test-drain") == 10

    journal.clear()
    paced = job("test-no-drain", drain=False)
    with pytest.raises(_Stop):
        await Scheduler(NO_SESSIONS, [paced], wait=_Recorder(journal, limit=2)).run(paced)
    assert journal == ["run", ("wait", 0.25), "run", ("wait", 0.25)]


async def test_first_after_delays_the_first_run() -> None:
    journal: list[Any] = []

    async def body(session_factory: SessionFactory) -> int:
        journal.append("run")
        return 0

    job = Job.owning_transaction("test-first-after", body, every=15.0, drain=False, first_after=15.0)
    with pytest.raises(_Stop):
        await Scheduler(NO_SESSIONS, [job], wait=_Recorder(journal, limit=2)).run(job)
    assert journal == [("wait", 15.0), "run", ("wait", 15.0)]


async def test_notify_wakes_an_idle_job_before_its_interval() -> None:
    runs = 0
    second_run = asyncio.Event()

    async def body(session_factory: SessionFactory) -> int:
        nonlocal runs
        runs += 1
        if runs == 2:
            second_run.set()
        return 0

    job = Job.owning_transaction("test-wake", body, every=3600.0, wakeable=True)
    async with Scheduler(NO_SESSIONS, [job]) as running:
        while runs < 1:
            await asyncio.sleep(0)
        assert runs == 1  # now idle for an hour, unless woken
        running.job("test-wake").notify()
        await asyncio.wait_for(second_run.wait(), 10)  # a guard against a hang, not a timing assertion
    assert runs == 2


def test_notify_without_a_wake_is_a_no_op() -> None:
    async def body(session_factory: SessionFactory) -> int:
        return 0

    job = Job.owning_transaction("test-no-wake", body, every=1.0)
    assert job.wake is None
    job.notify()


def test_job_names_are_unique() -> None:
    async def body(session_factory: SessionFactory) -> int:
        return 0

    with pytest.raises(ValueError, match="unique"):
        Scheduler(NO_SESSIONS, [Job.owning_transaction("twice", body, every=1.0)] * 2)


async def test_a_task_that_loses_its_cancellation_is_cancelled_again() -> None:
    """Python 3.11 can drop a cancellation inside library code (asyncio.wait_for); stopping must not hang."""
    from roomsvc.scheduler import cancel_until_done

    lost = 0

    async def stubborn() -> None:
        nonlocal lost
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                if lost == 0:  # the first cancellation goes missing, as in the 3.11 race
                    lost += 1
                    continue
                raise

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_until_done([task], every=0.05), 5)
    assert task.cancelled() and lost == 1


def _conflict(code: int) -> Exception:
    from pymysql.err import OperationalError as DriverError
    from sqlalchemy.exc import OperationalError

    return OperationalError("SELECT …", {}, DriverError(code, "Deadlock found when trying to get lock"))


async def test_a_lost_deadlock_runs_again_at_once_and_is_no_failure(captured: CapturingLogger) -> None:
    """Two deadlocks (1213) then a success: two short jittered pauses, no `job.failed`, no backoff."""
    from roomsvc.db import CONFLICT_BACKOFF

    results = _outcomes(_conflict(1213), _conflict(1213), 0)

    async def body(session_factory: SessionFactory) -> int:
        result = next(results)
        if isinstance(result, Exception):
            raise result
        return result

    job = Job.owning_transaction("test-deadlock", body, every=5.0)
    recorder = _Recorder([], limit=3)
    with pytest.raises(_Stop):
        await Scheduler(NO_SESSIONS, [job], wait=recorder).run(job)

    first, second, idle = recorder.waits
    assert 0 <= first <= CONFLICT_BACKOFF and 0 <= second <= 2 * CONFLICT_BACKOFF
    assert idle == 5.0  # the success idles its interval: the backoff of a failure never started
    assert [c.args for c in captured.calls if c.args == ("job.failed",)] == []
    retried = [c.kwargs for c in captured.calls if c.args == ("job.conflict_retried",)]
    assert [(r["attempt"], r["mysql_code"]) for r in retried] == [(1, 1213), (2, 1213)]
    assert _metric("roomsvc_job_failures_total", "test-deadlock") == 0
    retried_total = REGISTRY.get_sample_value(
        "roomsvc_transaction_conflicts_total", {"where": "test-deadlock", "outcome": "retried"}
    )
    assert retried_total == 2


async def test_a_job_that_keeps_deadlocking_fails_after_its_runs(captured: CapturingLogger) -> None:
    from roomsvc.db import CONFLICT_ATTEMPTS

    async def body(session_factory: SessionFactory) -> int:
        raise _conflict(1213)

    job = Job.owning_transaction("test-deadlock-forever", body, every=1.0)
    recorder = _Recorder([], limit=CONFLICT_ATTEMPTS)
    with pytest.raises(_Stop):
        await Scheduler(NO_SESSIONS, [job], wait=recorder).run(job)

    failed = [c.kwargs for c in captured.calls if c.args == ("job.failed",)]
    assert [f["failures"] for f in failed] == [1]  # after CONFLICT_ATTEMPTS runs, the usual failure path
    assert recorder.waits[-1] == 1.0
    assert failed[0]["exc_info"] is False  # a database error: a warning without traceback
    exhausted = REGISTRY.get_sample_value(
        "roomsvc_transaction_conflicts_total", {"where": "test-deadlock-forever", "outcome": "exhausted"}
    )
    assert exhausted == 1


def _appliers(count: int) -> list[Job]:
    from roomsvc.webhooks.jobs import Applier

    return [  # never run here: no settings needed
        Job.owning_transaction(
            f"webhook-applier-{n}", Applier(detection=cast(Any, None)), every=1.0, wakeable=True
        )
        for n in range(1, count + 1)
    ]


def test_a_publication_wakes_one_idle_applier_and_the_next_one_another() -> None:
    from roomsvc.jobs import wake_appliers

    jobs = _appliers(4)
    wake_appliers(jobs)
    assert [job.wake is not None and job.wake.is_set() for job in jobs] == [True, False, False, False]
    wake_appliers(jobs)  # the first is woken already (not yet running): the next idle one
    assert [job.wake is not None and job.wake.is_set() for job in jobs] == [True, True, False, False]


def test_a_publication_while_every_applier_claims_wakes_them_all() -> None:
    from roomsvc.jobs import wake_appliers

    jobs = _appliers(2)
    for job in jobs:
        cast(Any, job.run).running = True
    wake_appliers(jobs)
    assert all(job.wake is not None and job.wake.is_set() for job in jobs)


def test_only_the_first_applier_polls_often_and_it_wakes_the_idle_others_on_a_backlog() -> None:
    from roomsvc.config import load_settings
    from roomsvc.jobs import IDLE_APPLIER_FACTOR, webhook_appliers
    from roomsvc.webhooks.jobs import Applier

    settings = load_settings({"ROOMSVC_WEBHOOK_APPLIERS": "3", "ROOMSVC_WEBHOOK_POLL_INTERVAL": "0.5"})
    jobs = webhook_appliers(settings, None)
    assert [job.every for job in jobs] == [0.5, 0.5 * IDLE_APPLIER_FACTOR, 0.5 * IDLE_APPLIER_FACTOR]
    first, busy, idle = (cast(Applier, job.run) for job in jobs)
    assert busy.on_work is None and idle.on_work is None
    busy.running = True
    assert first.on_work is not None
    first.on_work()
    assert [job.wake is not None and job.wake.is_set() for job in jobs] == [False, False, True]


async def test_the_wake_publisher_sends_from_one_task_and_once_more_after_commits_meanwhile() -> None:
    import asyncio

    from roomsvc.wake import DELIVERIES_DUE, Publisher

    sent: list[str] = []
    release = asyncio.Event()

    class SlowRedis:
        async def publish(self, channel: str, message: bytes) -> None:
            await release.wait()  # a slow Redis: the message is on its way
            sent.append(channel)

    publisher = Publisher(cast(Any, SlowRedis()))
    publisher()
    first = publisher.task
    await asyncio.sleep(0)  # the first message is on its way
    for _ in range(50):  # commits meanwhile: no task of their own
        publisher()
    assert publisher.task is first
    release.set()
    await publisher.aclose()
    assert sent == [DELIVERIES_DUE, DELIVERIES_DUE]  # the first, and one for the commits meanwhile


async def test_the_wake_publisher_publishes_from_its_own_loop_whoever_commits() -> None:
    import asyncio
    import threading

    from roomsvc.wake import Publisher

    loops: list[asyncio.AbstractEventLoop] = []
    ready = threading.Event()
    published = threading.Event()
    holder: dict[str, Any] = {}

    class LoopBoundRedis:
        async def publish(self, channel: str, message: bytes) -> None:
            loops.append(asyncio.get_running_loop())
            published.set()

    def serve() -> None:  # the API's loop, in a thread of its own (as an in-process app under test)
        async def main() -> None:
            holder["loop"] = asyncio.get_running_loop()
            holder["publisher"] = Publisher(cast(Any, LoopBoundRedis()))
            holder["stop"] = asyncio.Event()
            ready.set()
            await holder["stop"].wait()

        asyncio.run(main())

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        assert ready.wait(10)
        holder["publisher"]()  # a commit in this test's loop
        assert await asyncio.to_thread(published.wait, 10)
        assert loops == [holder["loop"]]
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)
        thread.join(10)


async def test_the_loop_watcher_reports_a_blocked_loop(captured: CapturingLogger) -> None:
    """``watch_loop`` logs ``event_loop.blocked`` when a call holds the loop past its threshold: here a
    blocking sleep of 0.6 s against a threshold of 0.2 s. (No check that a free loop stays quiet: on a
    loaded machine the process itself may be descheduled that long.)"""
    import time

    watcher = asyncio.create_task(scheduler_module.watch_loop(every=0.01, warn=0.2))
    try:
        await asyncio.sleep(0.02)  # the watcher is in its sleep
        time.sleep(0.6)  # a blocking call: the whole loop stands still
        await asyncio.sleep(0.05)
    finally:
        watcher.cancel()
    blocked = [c.kwargs["seconds"] for c in captured.calls if c.args[0] == "event_loop.blocked"]
    assert blocked and max(blocked) >= 0.2, captured.calls
