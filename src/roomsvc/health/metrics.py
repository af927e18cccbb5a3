"""``GET /metrics``: Prometheus exposition of the API process (see roomsvc.metrics for what is in it).

No caller token: Prometheus scrapes it. ``ROOMSVC_METRICS_ENABLED=false`` removes the route; in
production keep it off the public load balancer (docs/observability.md).

The rooms and participants gauges come from two indexed counts in MySQL, cached for a few seconds so
that several scrapers (or a tight scrape interval) cost one query pair at most per interval. Every API
replica reports the same global values: aggregate them with ``max``, not ``sum``.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, get
from litestar.response import Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc import metrics
from roomsvc.calls.models import ParticipantSession
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.metrics")
ACTIVE_COUNTS_TTL = 5.0


async def active_counts(session_factory: async_sessionmaker[AsyncSession]) -> metrics.ActiveCounts:
    async with session_factory() as session:
        # ix_rooms_status_id: reads the open rooms only, however many ended rooms the table holds.
        rooms = await session.execute(
            select(Room.status, func.count())
            .where(Room.status.in_(("created", "active")))
            .group_by(Room.status)
        )
        # Open participant sessions of active rooms, through ix_participant_sessions_room_id_identity.
        participants = await session.execute(
            select(func.count())
            .select_from(ParticipantSession)
            .join(Room, Room.id == ParticipantSession.room_id)
            .where(
                Room.status == "active",
                ParticipantSession.joined_at.is_not(None),
                ParticipantSession.left_at.is_(None),
            )
        )
        return metrics.ActiveCounts(
            rooms={str(status): int(n) for status, n in rooms.all()},
            participants=int(participants.scalar_one()),
        )


@get("/metrics", include_in_schema=False)
async def metrics_handler(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    cache = state.get("active_counts_cache")
    if cache is None:
        cache = state.active_counts_cache = metrics.TTLCache(ACTIVE_COUNTS_TTL)
    counts = cache.fresh()
    if counts is None:
        try:
            counts = await active_counts(state.session_factory)
            cache.store(counts)
        except Exception as exc:  # the database being down must not hide every other metric
            log.warning("metrics.active_counts_failed", error=type(exc).__name__)
            counts = None
    body, content_type = metrics.render(counts, request.headers.get("accept"))
    # The content type carries the exposition version; Litestar must not append a second charset.
    return Response(body, headers={"Content-Type": content_type})
