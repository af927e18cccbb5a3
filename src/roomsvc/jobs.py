"""THE JOB TABLE, and ``roomsvc jobs``: the background work, safe to run as several processes at once.

Every periodic task is a row below: a body in ``<domain>/jobs.py``, how often it runs, and who owns its
transaction. ``roomsvc.scheduler`` runs them (the loop, session and transaction, logging, backoff,
metrics); docs/architecture.md#background-jobs draws the same table — keep the two in step.

- ``roomsvc jobs`` (:func:`jobs_table`): the webhook appliers (:func:`webhook_appliers`, woken through
  Redis by intake: ``roomsvc.wake``), the event delivery relay (woken by commits that made deliveries
  due, also ``roomsvc.wake``), mute and
  room-control expiry,
  join-request and seat-invitation expiry, the room closer (scheduled rooms' end and its notice),
  detection and agent re-dispatch, recording dispatch and the
  stale-recording sweeper, retention
  (:func:`retention_jobs`) and the reconciler; plus their Prometheus ``/metrics`` on
  ``ROOMSVC_JOBS_METRICS_PORT`` (roomsvc.metrics);
- each API process (:func:`api_jobs`): the event feed (the one sequencer, under ``GET_LOCK``, and this
  replica's one reader of the feed for its SSE streams). The API stores and acks webhooks; it does not
  apply them.

``roomsvc jobs --only webhook-applier`` (a job name, or the prefix of several) runs only those rows.

Each job claims its work in MySQL (``SKIP LOCKED`` rows, or ``GET_LOCK`` for the reconciler), so more
processes mean more throughput, never duplicate work. SIGTERM/SIGINT stop it cleanly; ``kill -9`` is
also safe — unfinished work is picked up again when its lease expires.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from functools import partial

import httpx
import structlog
from prometheus_client import start_http_server
from redis.asyncio import Redis

from roomsvc import heap, idempotency, metrics, wake
from roomsvc.agents import jobs as agents_jobs
from roomsvc.calls import jobs as calls_jobs
from roomsvc.config import Settings
from roomsvc.db import create_engine, create_session_factory
from roomsvc.detection import jobs as detection_jobs
from roomsvc.events import jobs as events_jobs
from roomsvc.events import service as events_service
from roomsvc.events.feed import POLL_SECONDS as FEED_POLL_SECONDS
from roomsvc.events.feed import EventFeed
from roomsvc.livekit import LiveKitGateway
from roomsvc.lobby import jobs as lobby_jobs
from roomsvc.logging import configure_logging
from roomsvc.moderation import jobs as moderation_jobs
from roomsvc.recordings import jobs as recordings_jobs
from roomsvc.recordings.storage import RecordingStorage, create_storage
from roomsvc.rooms import jobs as rooms_jobs
from roomsvc.scheduler import Job, Scheduler, watch_loop
from roomsvc.seats import jobs as seats_jobs
from roomsvc.webhooks import jobs as webhooks_jobs

log = structlog.get_logger("roomsvc.jobs")
RELAY = "delivery-relay"  # the delivery relay's row: woken by commits that made deliveries due


# The appliers after the first look for events unprompted this many times less often (module docstring).
IDLE_APPLIER_FACTOR = 10


def webhook_appliers(settings: Settings, gateway: LiveKitGateway | None) -> list[Job]:
    """``ROOMSVC_WEBHOOK_APPLIERS`` rows ``webhook-applier-<n>``: each claims rooms with pending webhooks
    (``SKIP LOCKED``) and applies their events in order (``webhooks/jobs.py``); woken by intake.

    Unwoken, only the first looks every ``ROOMSVC_WEBHOOK_POLL_INTERVAL``; the others every
    ``IDLE_APPLIER_FACTOR`` times that. Each look is a claim transaction (3 statements), and four appliers
    looking twice a second were most of an idle jobs process's CPU. Nothing waits longer for it: intake
    wakes an idle applier for every commit, and the first one's poll finds what a lost wake-up left;
    when its claim is full (a backlog, say one left while Redis was away) it wakes the idle others, so
    all of them apply it."""
    released = webhooks_jobs.Released()  # one per process: an applier held off by a room lock looks again
    poll = settings.jobs.webhook_poll_interval
    jobs = [
        Job.owning_transaction(
            f"webhook-applier-{n}",
            webhooks_jobs.Applier(detection=settings.detection, gateway=gateway, released=released),
            every=poll if n == 1 else poll * IDLE_APPLIER_FACTOR,
            wakeable=True,
        )
        for n in range(1, settings.jobs.webhook_appliers + 1)
    ]
    first = jobs[0].run
    assert isinstance(first, webhooks_jobs.Applier)
    first.on_work = partial(wake_idle_appliers, jobs[1:])
    return jobs


def _idle(job: Job) -> bool:
    """An applier neither in a claim nor already woken."""
    return not getattr(job.run, "running", False) and job.wake is not None and not job.wake.is_set()


def wake_idle_appliers(jobs: list[Job]) -> None:
    """Wake every applier of ``jobs`` that is idle (:func:`_idle`)."""
    for job in jobs:
        if _idle(job):
            job.notify()


def wake_appliers(jobs: list[Job]) -> None:
    """Intake stored events: wake ONE applier that is idle (not in a claim, not already woken). Waking
    all four for one event made three of them claim in vain, find its room locked and look again at
    every lock release, on the same two cores as the one applying it. Under load each publication wakes
    the next idle one; when none is idle, all are told to claim again after their current claim (one
    that claimed just before the commit would otherwise wait for its poll)."""
    appliers = [job for job in jobs if job.name.startswith("webhook-applier")]
    for job in appliers:
        if _idle(job):
            job.notify()
            return
    for job in appliers:
        job.notify()


def wake_jobs(jobs: list[Job], name: str) -> None:
    """Wake the job named ``name`` of ``jobs`` (if this process runs it)."""
    for job in jobs:
        if job.name == name:
            job.notify()


def wake_table(jobs: list[Job]) -> dict[str, Callable[[], None]]:
    """What each Redis wake-up channel wakes in this process (roomsvc.wake)."""
    return {
        wake.WEBHOOKS_STORED: partial(wake_appliers, jobs),
        wake.DELIVERIES_DUE: partial(wake_jobs, jobs, RELAY),
    }


async def close_appliers(jobs: list[Job]) -> None:
    """Let each applier's enforcement in flight end (after the scheduler stopped)."""
    for job in jobs:
        if isinstance(job.run, webhooks_jobs.Applier):
            await job.run.aclose()


def jobs_table(
    settings: Settings, gateway: LiveKitGateway, http: httpx.AsyncClient, storage: RecordingStorage
) -> list[Job]:
    """Every periodic task of ``roomsvc jobs``."""
    poll = settings.jobs.poll_interval
    relay_wake = asyncio.Event()  # a commit made deliveries due (roomsvc.wake); the relay watches it too
    table = [
        *webhook_appliers(settings, gateway),
        Job.owning_transaction(
            RELAY,
            partial(
                events_jobs.deliver_due,
                http=http,
                settings=settings.jobs,
                master_key=settings.secret_key,
                observer=lambda outcome: metrics.observe_delivery(outcome.status_code, outcome.latency_ms),
                wake=relay_wake,
            ),
            every=poll,
            wake=relay_wake,
        ),
        Job.in_transaction(
            "mute-expiry",
            partial(moderation_jobs.expire_mutes, gateway=gateway),
            every=min(1.0, poll * 2),
        ),
        Job.in_transaction(
            "room-closer",
            partial(rooms_jobs.close_due, gateway=gateway, notice_seconds=settings.jobs.room_closing_notice),
            every=min(1.0, poll * 2),
        ),
        Job.in_transaction(
            "seat-invitation-expiry",
            partial(seats_jobs.expire_invitations, gateway=gateway),
            every=min(1.0, poll * 2),
        ),
        Job.in_transaction(
            "room-controls-expiry",
            partial(moderation_jobs.expire_room_controls, gateway=gateway),
            every=min(1.0, poll * 2),
        ),
        Job.in_transaction(
            "join-request-expiry",
            partial(lobby_jobs.expire_requests, gateway=gateway),
            every=min(1.0, poll * 2),
        ),
        Job.in_transaction(
            "detection-redispatch",
            partial(detection_jobs.redispatch_due, gateway=gateway, settings=settings.detection),
            every=max(poll, 0.5),
        ),
        Job.in_transaction(
            "agent-redispatch",
            partial(agents_jobs.redispatch_due, gateway=gateway),
            every=max(poll, 0.5),
        ),
        Job.in_transaction(
            "recording-dispatch",
            partial(
                recordings_jobs.dispatch_due,
                gateway=gateway,
                settings=settings.recording,
                storage=settings.recording_storage,
            ),
            every=max(poll, 0.5),
        ),
        Job.in_transaction(
            "recording-sweeper",
            partial(
                recordings_jobs.sweep_stale, storage=storage, stale_seconds=settings.recording.stale_seconds
            ),
            every=min(5.0, max(poll, settings.recording.stale_seconds / 4)),
        ),
        *retention_jobs(settings, storage),
    ]
    interval = settings.jobs.reconcile_interval
    if interval > 0:
        table.append(
            Job.owning_transaction(
                "reconciler",
                partial(
                    calls_jobs.reconcile,
                    gateway=gateway,
                    grace=settings.jobs.reconcile_grace,
                    detection=settings.detection,
                    departures=calls_jobs.Departures(),
                ),
                every=interval,
                drain=False,
                first_after=interval,
            )
        )
    return table


def retention_jobs(settings: Settings, storage: RecordingStorage | None = None) -> list[Job]:
    """Retention (roomsvc.retention): each row deletes one batch per transaction and drains, every
    ``ROOMSVC_RETENTION_INTERVAL``; a table whose age is 0 (keep forever) gets no row. Recordings
    (``ROOMSVC_RECORDING_RETENTION_DAYS``) also delete their files, from ``storage``."""
    kept = settings.retention
    rows = [
        ("retention-events", events_jobs.purge_history, kept.events_days),
        ("retention-webhooks", webhooks_jobs.purge_processed, kept.webhooks_days),
        ("retention-detections", detection_jobs.purge_windows, kept.detections_days),
        ("retention-audit", moderation_jobs.purge_audit, kept.audit_days),
    ]
    table = [
        Job.in_transaction(name, partial(body, days=days, batch=kept.batch), every=kept.interval)
        for name, body, days in rows
        if days > 0
    ]
    if storage is not None and settings.recording.retention_days > 0:
        days = settings.recording.retention_days
        purge = partial(recordings_jobs.purge_old, storage=storage, days=days, batch=kept.batch)
        table.append(Job.in_transaction("retention-recordings", purge, every=kept.interval))
    table.append(
        Job.in_transaction(
            "retention-idempotency",
            partial(idempotency.purge_expired, ttl=kept.idempotency_ttl, batch=kept.batch),
            every=kept.interval,
        )
    )
    return table


def api_jobs(settings: Settings, gateway: LiveKitGateway, feed: EventFeed) -> list[Job]:
    """The periodic tasks of each API process: the event feed (sequencing committed events, reading the
    feed once for every SSE stream). Webhooks are applied by ``roomsvc jobs``."""
    return [Job.owning_transaction("event-feed", feed.advance, every=FEED_POLL_SECONDS)]


def serve_metrics(settings: Settings) -> None:
    """Prometheus /metrics of this process on ROOMSVC_HOST:ROOMSVC_JOBS_METRICS_PORT (a daemon thread)."""
    port = settings.observability.jobs_metrics_port
    if not port:
        return
    try:
        start_http_server(port, addr=settings.host)
    except OSError as exc:
        # A second jobs process on the same host: its work matters more than its metrics.
        log.warning("jobs.metrics_unavailable", host=settings.host, port=port, error=str(exc))
        return
    log.info("jobs.metrics_serving", url=f"http://{settings.host}:{port}/metrics")


async def run_jobs(settings: Settings, only: str | None = None) -> None:
    configure_logging(settings.log_level, settings.log_json)
    events_service.set_strict_payloads(settings.is_dev)  # production logs and counts a wrong payload
    engine = create_engine(settings.database)
    session_factory = create_session_factory(engine)
    gateway = LiveKitGateway(settings.livekit)
    gateway.observer = metrics.observe_livekit_call
    storage = create_storage(settings.recording_storage)
    serve_metrics(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with httpx.AsyncClient(follow_redirects=False) as http:
        table = jobs_table(settings, gateway, http, storage)
        if only:
            table = [job for job in table if job.name.startswith(only)]
            if not table:
                raise SystemExit(f"roomsvc jobs --only {only}: no job is named so")
        listener = asyncio.create_task(wake.listen(settings.redis.url, wake_table(table)), name="jobs-wake")
        # This process's own commits that made deliveries due (the appliers' events): its relay, or
        # through Redis the relay of another process when this one runs none (`--only webhook-applier`).
        publisher: wake.Publisher | None = None
        if any(job.name == RELAY for job in table):
            hook_before = wake.on_deliveries_due(partial(wake_jobs, table, RELAY))
        else:
            redis = Redis.from_url(
                settings.redis.url,
                socket_connect_timeout=settings.redis.timeout,
                socket_timeout=settings.redis.timeout,
            )
            publisher = wake.Publisher(redis, wake.DELIVERIES_DUE)
            hook_before = wake.on_deliveries_due(publisher)
        watcher = asyncio.create_task(watch_loop(), name="jobs-loop-watch")
        async with Scheduler(session_factory, table):
            log.info("jobs.heap_frozen", objects=heap.freeze_startup_heap())  # roomsvc.heap
            await stop.wait()
        heap.thaw()
        watcher.cancel()
        wake.on_deliveries_due(hook_before)
        if publisher is not None:
            await publisher.aclose()
            await publisher.redis.aclose()
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await close_appliers(table)
    await gateway.aclose()
    await storage.aclose()
    await engine.dispose()
    log.info("jobs.stopped")
