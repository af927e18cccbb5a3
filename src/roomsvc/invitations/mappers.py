"""Invitation rows → API responses (an expired pending invitation reads as ``expired``)."""

from __future__ import annotations

from roomsvc.db import utcnow
from roomsvc.invitations.models import Invitation
from roomsvc.invitations.schemas import InvitationOut
from roomsvc.rooms.models import Room
from roomsvc.types import to_struct


def invitation_out(invitation: Invitation, room: Room) -> InvitationOut:
    status = invitation.status
    if status == "pending" and invitation.expires_at <= utcnow():
        status = "expired"
    return to_struct(InvitationOut, invitation, id=invitation.public_id, room=room.name, status=status)
