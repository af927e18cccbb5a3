from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import service
from roomsvc.moderation.models import AuditEntry, Ban
from roomsvc.moderation.schemas import (
    AuditOut,
    AuditPage,
    BanList,
    BanOut,
    Kick,
    ModerationStatus,
    MuteOut,
    MuteRequest,
    OwnerTransfer,
    RoleChange,
    UnmuteRequest,
)
from roomsvc.rooms import service as room_service
from roomsvc.rooms.schemas import RoomOut
from roomsvc.types import IDENTITY_PATTERN

MODERATE = {"scopes": ("moderation",)}
READ = {"scopes": ("rooms:read",)}
IdentityPath = Annotated[str, Parameter(pattern=IDENTITY_PATTERN, description="participant identity")]
PageSize = Annotated[int, Parameter(ge=1, le=100, description="page size, 1-100")]


def ban_out(ban: Ban) -> BanOut:
    return BanOut(
        identity=ban.identity,
        expires_at=ban.expires_at,
        permanent=ban.expires_at is None,
        reason=ban.reason,
        actor=ban.actor,
        created_at=ban.created_at,
    )


def status_out(raw: dict[str, Any]) -> ModerationStatus:
    return ModerationStatus(
        **{k: v for k, v in raw.items() if k != "mutes"}, mutes=[MuteOut(**m) for m in raw["mutes"]]
    )


def audit_out(entry: AuditEntry) -> AuditOut:
    return AuditOut(
        action=entry.action,
        actor=entry.actor,
        caller=entry.caller,
        target=entry.target,
        params=msgspec.json.decode(entry.params),
        reason=entry.reason,
        created_at=entry.created_at,
    )


class ModerationController(Controller):
    path = "/v1/rooms/{room:str}"
    tags = ["moderation"]

    @post(
        "/participants/{identity:str}/kick",
        opt=MODERATE,
        status_code=200,
        summary="Remove now and ban re-entry (default 600 s, or permanent)",
    )
    async def kick(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        identity: IdentityPath,
        data: Annotated[Kick, examples.KICK],
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> BanOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        await service.authorize(db_session, row, request.user, data.actor, target=identity, action="kick")
        ban = await service.kick(
            db_session,
            livekit,
            row,
            identity,
            actor=data.actor,
            reason=data.reason,
            ban_seconds=data.ban_seconds,
            permanent=data.permanent,
            caller_id=request.user.credential_id,
        )
        return ban_out(ban)

    @get("/bans", opt=MODERATE, summary="Active bans")
    async def bans(self, room: str, db_session: AsyncSession) -> BanList:
        row = await room_service.get_room(db_session, room)
        return BanList(items=[ban_out(b) for b in await service.list_bans(db_session, row)])

    @delete("/bans/{identity:str}", opt=MODERATE, status_code=200, summary="Lift a ban early")
    async def lift(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        identity: IdentityPath,
        db_session: AsyncSession,
        actor: Annotated[str | None, Parameter(pattern=IDENTITY_PATTERN)] = None,
    ) -> BanOut:
        row = await room_service.get_room(db_session, room, for_update=True)
        await service.authorize(db_session, row, request.user, actor, target=None, action="lift bans")
        return ban_out(
            await service.lift_ban(
                db_session, row, identity, actor=actor, caller_id=request.user.credential_id
            )
        )

    @post(
        "/participants/{identity:str}/mute",
        opt=MODERATE,
        status_code=200,
        summary="Timed mute: the sources leave can_publish_sources until unmute or expiry",
    )
    async def mute(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        identity: IdentityPath,
        data: Annotated[MuteRequest, examples.MUTE],
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> ModerationStatus:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        await service.authorize(db_session, row, request.user, data.actor, target=identity, action="mute")
        await service.mute(
            db_session,
            livekit,
            row,
            identity,
            sources=data.sources,
            duration_seconds=service.parse_duration(data.duration),
            reason=data.reason,
            actor=data.actor,
            caller_id=request.user.credential_id,
        )
        return status_out(await service.status(db_session, row, identity))

    @post("/participants/{identity:str}/unmute", opt=MODERATE, status_code=200, summary="Lift a mute now")
    async def unmute(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        identity: IdentityPath,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        data: UnmuteRequest | None = None,
    ) -> ModerationStatus:
        data = data or UnmuteRequest()
        row = await room_service.get_open_room(db_session, room, for_update=True)
        await service.authorize(db_session, row, request.user, data.actor, target=identity, action="unmute")
        await service.unmute(
            db_session,
            livekit,
            row,
            identity,
            sources=data.sources,
            actor=data.actor,
            caller_id=request.user.credential_id,
            reason=data.reason,
        )
        return status_out(await service.status(db_session, row, identity))

    @post(
        "/participants/{identity:str}/role",
        opt=MODERATE,
        status_code=200,
        summary="Set the role (applied live with the full permission set, and to future tokens)",
    )
    async def role(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        identity: IdentityPath,
        data: RoleChange,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> ModerationStatus:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        await service.set_role(
            db_session, livekit, row, identity, data.role, caller=request.user, actor=data.actor
        )
        return status_out(await service.status(db_session, row, identity))

    @post(
        "/owner",
        opt=MODERATE,
        status_code=200,
        summary="Transfer ownership; the previous owner becomes admin",
    )
    async def transfer_owner(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        data: OwnerTransfer,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> RoomOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        await service.transfer_owner(
            db_session, livekit, row, data.identity, caller=request.user, actor=data.actor
        )
        return room_service.to_out(row)

    @get(
        "/participants/{identity:str}/moderation", opt=READ, summary="Role, ban, mute and seat of an identity"
    )
    async def moderation_status(
        self, room: str, identity: IdentityPath, db_session: AsyncSession
    ) -> ModerationStatus:
        row = await room_service.get_room(db_session, room)
        return status_out(await service.status(db_session, row, identity))

    @get("/audit", opt=MODERATE, summary="Every moderation and seat action, newest first")
    async def audit(
        self, room: str, db_session: AsyncSession, cursor: str | None = None, limit: PageSize = 50
    ) -> AuditPage:
        row = await room_service.get_room(db_session, room)
        entries, next_cursor = await service.list_audit(db_session, row, cursor=cursor, limit=limit)
        return AuditPage(items=[audit_out(e) for e in entries], next_cursor=next_cursor)
