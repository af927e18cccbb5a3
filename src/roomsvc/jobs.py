"""``roomsvc jobs``: the background work, safe to run as several processes at once.

- the webhook sweeper (events the API stored but could not apply: crash, database blip);
- the event delivery relay (events/delivery.py);
- detection re-dispatch: rooms a human joined while the detection agent was gone (detection/service.py);
- reconciliation against LiveKit every ``ROOMSVC_RECONCILE_INTERVAL`` seconds (calls/reconcile.py);
- Prometheus ``/metrics`` of those on ``ROOMSVC_JOBS_METRICS_PORT`` (roomsvc.metrics).

Each task claims its work in MySQL (``SKIP LOCKED`` rows, or ``GET_LOCK`` for the reconciler), so more
processes mean more throughput, never duplicate work. SIGTERM/SIGINT stop it cleanly; ``kill -9`` is
also safe — unfinished work is picked up again when its lease expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import httpx
import structlog
from prometheus_client import start_http_server
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from roomsvc import metrics
from roomsvc.calls.reconcile import reconcile_exclusively
from roomsvc.config import Settings
from roomsvc.db import create_engine, create_session_factory
from roomsvc.detection import jobs as detection_jobs
from roomsvc.events.delivery import DeliveryRelay
from roomsvc.livekit import LiveKitGateway
from roomsvc.logging import configure_logging
from roomsvc.moderation import jobs as moderation_jobs
from roomsvc.webhooks.service import WebhookApplier

log = structlog.get_logger("roomsvc.jobs")
SWEEP_MIN_AGE = 5.0


async def _reconcile_forever(
    settings: Settings,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    gateway: LiveKitGateway,
) -> None:
    interval = settings.jobs.reconcile_interval
    while True:
        await asyncio.sleep(interval)
        try:
            await reconcile_exclusively(
                engine,
                session_factory,
                gateway,
                grace=settings.jobs.reconcile_grace,
            )
        except Exception as exc:
            log.warning("reconcile.failed", error=f"{type(exc).__name__}: {exc}"[:300])


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


async def _expire_mutes_forever(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], gateway: LiveKitGateway
) -> None:
    """Timed mutes end on time: each expired row is claimed once (SKIP LOCKED) across instances."""
    while True:
        try:
            async with session_factory() as session, session.begin():
                lifted = await moderation_jobs.expire_mutes(session, gateway)
        except Exception as exc:  # LiveKit or MySQL away: the rows stay and are retried
            log.warning("mutes.expiry_failed", error=f"{type(exc).__name__}: {exc}"[:300])
            lifted = 0
        if not lifted:
            await asyncio.sleep(min(1.0, settings.jobs.poll_interval * 2))


async def _redispatch_forever(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], gateway: LiveKitGateway
) -> None:
    """Bring the detection agent back to rooms a human joined while it was gone (detection/service.py)."""
    while True:
        try:
            async with session_factory() as session, session.begin():
                handled = await detection_jobs.redispatch_due(session, gateway, settings.detection)
        except Exception as exc:
            log.warning("detection.redispatch_failed", error=f"{type(exc).__name__}: {exc}"[:300])
            handled = 0
        if not handled:
            await asyncio.sleep(max(settings.jobs.poll_interval, 0.5))


async def run_jobs(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_json)
    engine = create_engine(settings.database)
    session_factory = create_session_factory(engine)
    gateway = LiveKitGateway(settings.livekit)
    gateway.observer = metrics.observe_livekit_call
    serve_metrics(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with httpx.AsyncClient(follow_redirects=False) as http:
        relay = DeliveryRelay(
            session_factory,
            settings.jobs,
            settings.secret_key,
            http,
            observer=lambda outcome: metrics.observe_delivery(outcome.status_code, outcome.latency_ms),
        )
        sweeper = WebhookApplier(session_factory, gateway=gateway, poll_interval=2.0, min_age=SWEEP_MIN_AGE)
        tasks = [
            asyncio.create_task(relay.run(), name="delivery-relay"),
            asyncio.create_task(sweeper.run(), name="webhook-sweeper"),
            asyncio.create_task(
                _expire_mutes_forever(settings, session_factory, gateway), name="mute-expiry"
            ),
            asyncio.create_task(
                _redispatch_forever(settings, session_factory, gateway), name="detection-redispatch"
            ),
        ]
        if settings.jobs.reconcile_interval > 0:
            tasks.append(
                asyncio.create_task(
                    _reconcile_forever(settings, engine, session_factory, gateway), name="reconciler"
                )
            )
        log.info("jobs.started", tasks=[t.get_name() for t in tasks])
        await stop.wait()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    await gateway.aclose()
    await engine.dispose()
    log.info("jobs.stopped")
