"""Join request rows → API responses (a pending request past its expiry reads as ``expired``)."""

from __future__ import annotations

from roomsvc.db import utcnow
from roomsvc.lobby.models import LobbyRequest
from roomsvc.lobby.schemas import JoinRequestOut
from roomsvc.types import to_struct


def request_out(request: LobbyRequest, room: str) -> JoinRequestOut:
    status = request.status
    if status == "pending" and request.expires_at <= utcnow():
        status = "expired"
    return to_struct(JoinRequestOut, request, id=request.public_id, room=room, status=status)


def location(room: str, request_id: str) -> str:
    """Where a join request is polled: the ``Location`` of the join's 202."""
    return f"/v1/rooms/{room}/join-requests/{request_id}"
