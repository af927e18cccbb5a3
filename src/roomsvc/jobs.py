"""``roomsvc jobs``: the background work, safe to run as several processes at once.

- the webhook sweeper (events the API stored but could not apply: crash, database blip);
- the event delivery relay (events/delivery.py);
- reconciliation against LiveKit every ``ROOMSVC_RECONCILE_INTERVAL`` seconds (calls/reconcile.py).

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
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from roomsvc.calls.reconcile import reconcile_exclusively
from roomsvc.config import Settings
from roomsvc.db import create_engine, create_session_factory
from roomsvc.events.delivery import DeliveryRelay
from roomsvc.livekit import LiveKitGateway
from roomsvc.logging import configure_logging
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


async def run_jobs(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_json)
    engine = create_engine(settings.database)
    session_factory = create_session_factory(engine)
    gateway = LiveKitGateway(settings.livekit)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with httpx.AsyncClient(follow_redirects=False) as http:
        relay = DeliveryRelay(session_factory, settings.jobs, settings.secret_key, http)
        sweeper = WebhookApplier(session_factory, poll_interval=2.0, min_age=SWEEP_MIN_AGE)
        tasks = [
            asyncio.create_task(relay.run(), name="delivery-relay"),
            asyncio.create_task(sweeper.run(), name="webhook-sweeper"),
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
