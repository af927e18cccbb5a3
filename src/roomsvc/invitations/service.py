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
from roomsvc.errors import Conflict, Forbidden, Gone, NotFound
from roomsvc.invitations.models import Invitation
from roomsvc.invitations.schemas import InvitationAccept, InvitationCreate
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit, permissions
from roomsvc.participants import service as participant_service
from roomsvc.participants.schemas import JoinRequest
from roomsvc.rooms.models import Room
from roomsvc.types import Page

log = structlog.get_logger("roomsvc.invitations")


async def _ensure_owner_invites(session: AsyncSession, room: Room, caller: Caller, actor: str | None) -> None:
    """An ``admin`` invitation grants a role, so it passes the moderation rule ``set_role`` applies:
    the moderation scope, and the room's owner as ``actor`` (only the owner grants admin)."""
    if not caller.has("moderation"):
        raise Forbidden(
            "`role: admin` in an invitation needs the moderation scope and `actor` (the room's owner); "
            "with rooms:write invite as member or audience.",
            code="role-requires-moderation",
            field="role",
        )
    if actor is None:
        raise Forbidden(
            "`role: admin` in an invitation needs `actor`: the room's owner, who grants the admin role.",
            code="actor-required",
            field="actor",
        )
    if await permissions.role_of(session, room, actor) != "owner":
        raise Forbidden(
            f"{actor!r} may not invite as admin: only the room's owner grants the admin role.",
            code="insufficient-rank",
            field="actor",
        )


async def create_invitations(
    session: AsyncSession, room: Room, data: InvitationCreate, caller: Caller
) -> list[Invitation]:
    if data.role == "admin":
        await _ensure_owner_invites(session, room, caller, data.actor)
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
            actor=data.actor,
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


async def _load(session: AsyncSession, project_id: int, invitation_id: str) -> tuple[Invitation, Room]:
    """The invitation, if its room is the project's (another project's is a 404 like a missing one)."""
    row = (
        await session.execute(
            select(Invitation, Room)
            .join(Room, Room.id == Invitation.room_id)
            .where(Invitation.public_id == invitation_id, Room.project_id == project_id)
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
    invitation, room = await _load(session, caller.require_project(), invitation_id)
    _ensure_pending(invitation)
    as_admin = invitation.role == "admin"
    previous_role = None
    if as_admin:
        # The owner who invited may have handed the room over since: the grant is checked again.
        if invitation.actor is None or await permissions.role_of(session, room, invitation.actor) != "owner":
            raise Forbidden(
                f"Invitation {invitation.public_id} grants admin, and {invitation.actor!r} who made it no "
                "longer owns the room; ask the owner for a new one.",
                code="insufficient-rank",
            )
        previous_role = await permissions.role_of(session, room, invitation.identity)
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
        moderated_role=as_admin,
    )
    assert isinstance(response, participant_service.Admission)  # an invitation join bypasses the lobby
    invitation.status = "accepted"
    invitation.responded_at = utcnow()
    if as_admin and previous_role != response.role:
        # The role change the owner authorized when inviting: audited (and its event emitted) now.
        params = {"from": previous_role, "to": response.role, "invitation": invitation.public_id}
        await audit.record(
            session, room, "role", caller, invitation.actor, target=invitation.identity, params=params
        )
    log.info("invitation.accepted", room=room.name, identity=invitation.identity)
    return response


async def respond(
    session: AsyncSession, project_id: int, invitation_id: str, status: str
) -> tuple[Invitation, Room]:
    """Decline (by the invitee's backend) or revoke (by the inviter) a pending invitation."""
    invitation, room = await _load(session, project_id, invitation_id)
    _ensure_pending(invitation)
    invitation.status = status
    invitation.responded_at = utcnow()
    await session.flush()
    log.info(f"invitation.{status}", room=room.name, identity=invitation.identity)
    return invitation, room
