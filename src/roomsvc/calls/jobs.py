"""Calls' background work: the ``reconciler`` job of ``roomsvc jobs`` (``roomsvc.scheduler``).

Only one reconciler runs at a time across all instances: the body takes MySQL's ``GET_LOCK`` on a
connection of its own and skips the pass when another instance holds it. It owns its transactions
because :func:`roomsvc.calls.reconcile.reconcile` commits room by room.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls import reconcile as reconciliation
from roomsvc.livekit import LiveKitGateway

LOCK_NAME = "roomsvc.reconcile"


async def reconcile_exclusively(
    session_factory: async_sessionmaker[AsyncSession],
    gateway: LiveKitGateway,
    *,
    grace: float,
) -> reconciliation.Report | None:
    """Run one reconciliation pass unless another instance holds the lock; None when skipped."""
    async with session_factory() as lock:  # GET_LOCK belongs to this session's connection
        got = (await lock.execute(text("SELECT GET_LOCK(:name, 0)"), {"name": LOCK_NAME})).scalar()
        if got != 1:
            return None
        try:
            return await reconciliation.reconcile(session_factory, gateway, grace=grace)
        finally:
            await lock.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})


async def reconcile(
    session_factory: async_sessionmaker[AsyncSession], *, gateway: LiveKitGateway, grace: float
) -> int:
    """The job body: one exclusive pass; returns how many records it repaired (0 when skipped)."""
    report = await reconcile_exclusively(session_factory, gateway, grace=grace)
    return sum(report.repairs.values()) if report is not None else 0
