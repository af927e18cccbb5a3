"""Retention: deleting finished records older than their configured age, in small batches.

Each domain's ``jobs.py`` has a ``purge_*`` body (events, webhooks, detection, moderation, and
``roomsvc.idempotency``) that the ``retention-*`` rows of the job table (``roomsvc/jobs.py``) run in a
transaction of the scheduler's. One run deletes at most ``ROOMSVC_RETENTION_BATCH`` rows of a table and
returns how many; the scheduler runs it again at once while that is above 0 (it *drains*), so a backlog
is worked off in many short transactions instead of one that holds locks for minutes.

:func:`purge` claims its batch with ``SELECT … FOR UPDATE SKIP LOCKED`` like every other job, so several
``roomsvc jobs`` processes share the work. Ids grow with the time column (rows are stamped when they are
inserted), so the scan is bounded by id: the first id at or past the cutoff ends it, and a pass over a
table with nothing to delete reads only the rows it keeps for a reason (e.g. a pending delivery).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow


def cutoff(days: int) -> dt.datetime | None:
    """The moment before which rows kept ``days`` days are due; ``None`` when 0 (keep forever)."""
    return utcnow() - dt.timedelta(days=days) if days > 0 else None


async def purge(
    session: AsyncSession,
    model: Any,
    stamp: Any,
    before: dt.datetime,
    *conditions: ColumnElement[bool],
    batch: int,
    by_id: bool = True,
) -> int:
    """Delete up to ``batch`` rows of ``model`` whose ``stamp`` is before ``before`` and that meet
    ``conditions``, oldest first; return how many. ``by_id``: ids grow with ``stamp``, so the scan stops
    at the first row that is new enough (for a table whose stamp is indexed instead, pass ``False``)."""
    query = select(model.id).where(stamp < before, *conditions)
    if by_id:
        first_new = (
            await session.execute(select(model.id).where(stamp >= before).order_by(model.id).limit(1))
        ).scalar_one_or_none()
        if first_new is not None:
            query = query.where(model.id < first_new)
    ids = list(
        (
            await session.execute(query.order_by(model.id).limit(batch).with_for_update(skip_locked=True))
        ).scalars()
    )
    if ids:
        await session.execute(delete(model).where(model.id.in_(ids)))
    return len(ids)
