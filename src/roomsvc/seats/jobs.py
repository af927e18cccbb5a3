"""Stage seats' background work, run by the jobs scheduler (``roomsvc.scheduler``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.livekit import LiveKitGateway
from roomsvc.seats import invitations


async def expire_invitations(session: AsyncSession, gateway: LiveKitGateway) -> int:
    """Mark pending stage invitations past their ``expires_at`` expired; returns how many."""
    return await invitations.expire_due(session, gateway)
