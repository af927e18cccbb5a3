"""The waiting room's background work, run by the jobs scheduler (``roomsvc.scheduler``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.livekit import LiveKitGateway
from roomsvc.lobby import service


async def expire_requests(session: AsyncSession, gateway: LiveKitGateway) -> int:
    """Expire unanswered join requests (``ROOMSVC_JOIN_REQUEST_TTL``): ``join_request.expired`` each."""
    return await service.expire_due(session, gateway)
