"""Invitation behaviour. An invitation is single-use; once used, declined, revoked or expired it refuses.

Refusals: revoked, declined or already accepted → 409 ``invitation-<status>``; expired → 410
``invitation-expired``. Accepting locks the row (``SELECT … FOR UPDATE``) so two accepts cannot both win.
"""

from __future__ import annotations

import datetime as dt
import secrets

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.db import oldest_first, utcnow
from roomsvc.errors import Conflict, Gone, NotFound
from roomsvc.invitations.models import Invitation
from roomsvc.invitations.schemas import InvitationAccept, InvitationCreate
from roomsvc.livekit import LiveKitGateway
from roomsvc.participants import service as participant_service
from roomsvc.participants.schemas import JoinRequest
from roomsvc.rooms.models import Room
from roomsvc.types import Page

log = structlog.get_logger("roomsvc.invitations")


async def create_invitations(
    session: AsyncSession, room: Room, data: InvitationCreate, caller: Caller
) -> list[Invitation]:
    expires_at = utcnow() + dt.timedelta(seconds=data.expires_in)
    created = []
    for identity in dict.fromkeys(data.identities):  # de-duplicated, order kept
        invitation = Invitation(
            public_id="inv_" + secrets.token_urlsafe(16),
            room_id=room.id,
            identity=identity,
            role=data.role,
            expires_at=expires_at,
            created_by=caller.credential_id,
        )
        session.add(invitation)
        created.append(invitation)
    await session.flush()
    log.info("invitation.created", room=room.name, count=len(created), role=data.role)
    return created


async def list_invitations(
    session: AsyncSession, room: Room, page: Page
) -> tuple[list[Invitation], str | None]:
    """A page of the room's invitations, oldest first."""
    return await oldest_first(
        session, select(Invitation).where(Invitation.room_id == room.id), Invitation.id, page
    )


async def _load(session: AsyncSession, invitation_id: str) -> tuple[Invitation, Room]:
    row = (
        await session.execute(
            select(Invitation, Room)
            .join(Room, Room.id == Invitation.room_id)
            .where(Invitation.public_id == invitation_id)
            .with_for_update(of=Invitation)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"No invitation {invitation_id!r}.", code="invitation-not-found")
    return row[0], row[1]


def _ensure_pending(invitation: Invitation) -> None:
    if invitation.status != "pending":
        raise Conflict(
            f"Invitation {invitation.public_id} was already {invitation.status}.",
            code=f"invitation-{invitation.status}",
        )
    if invitation.expires_at <= utcnow():
        raise Gone(
            f"Invitation {invitation.public_id} expired at {invitation.expires_at.isoformat()}.",
            code="invitation-expired",
        )


async def accept(
    session: AsyncSession,
    gateway: LiveKitGateway,
    settings: Settings,
    invitation_id: str,
    data: InvitationAccept,
    caller: Caller,
) -> participant_service.Admission:
    invitation, room = await _load(session, invitation_id)
    _ensure_pending(invitation)
    response = await participant_service.join(
        session,
        gateway,
        settings,
        room.name,
        JoinRequest(
            identity=invitation.identity,
            name=data.name,
            role=invitation.role,  # type: ignore[arg-type]
            metadata=data.metadata,
            attributes=data.attributes,
            ttl=data.ttl,
        ),
        caller,
        via_invitation=True,
    )
    invitation.status = "accepted"
    invitation.responded_at = utcnow()
    log.info("invitation.accepted", room=room.name, identity=invitation.identity)
    return response


async def respond(session: AsyncSession, invitation_id: str, status: str) -> tuple[Invitation, Room]:
    """Decline (by the invitee's backend) or revoke (by the inviter) a pending invitation."""
    invitation, room = await _load(session, invitation_id)
    _ensure_pending(invitation)
    invitation.status = status
    invitation.responded_at = utcnow()
    await session.flush()
    log.info(f"invitation.{status}", room=room.name, identity=invitation.identity)
    return invitation, room
