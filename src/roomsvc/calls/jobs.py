"""Calls' background work: the ``reconciler`` job of ``roomsvc jobs`` (``roomsvc.scheduler``).

Only one reconciler runs at a time across all instances: the body takes MySQL's ``GET_LOCK`` on a
connection of its own and skips the pass when another instance holds it. It owns its transactions
because :func:`roomsvc.calls.reconcile.reconcile` commits room by room.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls import reconcile as reconciliation
from roomsvc.config import DetectionSettings
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms import flows as room_flows

LOCK_NAME = "roomsvc.reconcile"
Departures = reconciliation.Departures  # the reconciler job's memory: one per ``roomsvc jobs`` process


def completer(detection: DetectionSettings) -> reconciliation.CompletePending:
    """How reconciliation completes a stale ``creating`` room: exactly as a create request does."""
    return partial(room_flows.complete_create, detection=detection, repaired=True)


async def reconcile_exclusively(
    session_factory: async_sessionmaker[AsyncSession],
    gateway: LiveKitGateway,
    *,
    grace: float,
    detection: DetectionSettings,
    departures: reconciliation.Departures | None = None,
) -> reconciliation.Report | None:
    """Run one reconciliation pass unless another instance holds the lock; None when skipped."""
    async with session_factory() as lock:  # GET_LOCK belongs to this session's connection
        got = (await lock.execute(text("SELECT GET_LOCK(:name, 0)"), {"name": LOCK_NAME})).scalar()
        if got != 1:
            return None
        try:
            return await reconciliation.reconcile(
                session_factory,
                gateway,
                grace=grace,
                complete_pending=completer(detection),
                departures=departures,
            )
        finally:
            await lock.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})


async def reconcile(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    gateway: LiveKitGateway,
    grace: float,
    detection: DetectionSettings,
    departures: reconciliation.Departures | None = None,
) -> int:
    """The job body: one exclusive pass; returns how many records it repaired (0 when skipped)."""
    report = await reconcile_exclusively(
        session_factory, gateway, grace=grace, detection=detection, departures=departures
    )
    return sum(report.repairs.values()) if report is not None else 0
