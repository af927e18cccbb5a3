from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.moderation import audit, bans, controls, flows, mutes, roles
from roomsvc.moderation.mappers import audit_out, ban_out, status_out
from roomsvc.moderation.schemas import (
    AuditPage,
    BanList,
    BanOut,
    ControlsUpdate,
    Kick,
    ModerationStatus,
    MuteRequest,
    OwnerTransfer,
    RoleChange,
    UnmuteRequest,
)
from roomsvc.moderation.status import state_of
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.mappers import controls_out, room_out
from roomsvc.rooms.models import ROOM_CONTROLS, Room
from roomsvc.rooms.schemas import RoomControls, RoomOut
from roomsvc.rooms.service import RoomAction
from roomsvc.routes import IDEMPOTENT, MODERATE, PAGE, READ
from roomsvc.types import IDENTITY_PATTERN, Page

IdentityPath = Annotated[str, Parameter(pattern=IDENTITY_PATTERN, description="participant identity")]


class ModerationController(Controller):
    path = "/v1/rooms/{room:str}"
    tags = ["moderation"]
    dependencies = ROOM_DEPENDENCIES | PAGE

    @post(
        "/participants/{identity:str}/kick",
        opt=MODERATE | IDEMPOTENT,
        status_code=200,
        summary="Remove now and ban re-entry (default 600 s, or permanent)",
    )
    async def kick(
        self, identity: IdentityPath, data: Annotated[Kick, examples.KICK], action: RoomAction
    ) -> BanOut:
        ban = await flows.kick(
            action,
            identity,
            actor=data.actor,
            reason=data.reason,
            ban_seconds=data.ban_seconds,
            permanent=data.permanent,
        )
        return ban_out(ban)

    @get("/bans", opt=MODERATE, summary="Active bans")
    async def bans(self, room_row: Room, db_session: AsyncSession) -> BanList:
        return BanList(items=[ban_out(b) for b in await bans.list_bans(db_session, room_row)])

    @delete("/bans/{identity:str}", opt=MODERATE, status_code=200, summary="Lift a ban early")
    async def lift(
        self,
        request: Request[Caller, Any, Any],
        identity: IdentityPath,
        locked_room: Room,
        db_session: AsyncSession,
        actor: Annotated[str | None, Parameter(pattern=IDENTITY_PATTERN)] = None,
    ) -> BanOut:
        lifted = await bans.lift_ban(db_session, locked_room, identity, caller=request.user, actor=actor)
        return ban_out(lifted)

    @post(
        "/participants/{identity:str}/mute",
        opt=MODERATE | IDEMPOTENT,
        status_code=200,
        summary="Timed mute: the sources leave can_publish_sources until unmute or expiry",
    )
    async def mute(
        self, identity: IdentityPath, data: Annotated[MuteRequest, examples.MUTE], action: RoomAction
    ) -> ModerationStatus:
        seconds = mutes.parse_duration(data.duration)
        await mutes.mute(
            action,
            identity,
            sources=data.sources,
            duration_seconds=seconds,
            reason=data.reason,
            actor=data.actor,
        )
        return status_out(await state_of(action.session, action.room, identity))

    @post("/participants/{identity:str}/unmute", opt=MODERATE, status_code=200, summary="Lift a mute now")
    async def unmute(
        self, identity: IdentityPath, action: RoomAction, data: UnmuteRequest | None = None
    ) -> ModerationStatus:
        data = data or UnmuteRequest()
        await mutes.unmute(action, identity, sources=data.sources, actor=data.actor, reason=data.reason)
        return status_out(await state_of(action.session, action.room, identity))

    @post(
        "/participants/{identity:str}/role",
        opt=MODERATE,
        status_code=200,
        summary="Set the role (applied live with the full permission set, and to future tokens)",
    )
    async def role(self, identity: IdentityPath, data: RoleChange, action: RoomAction) -> ModerationStatus:
        await roles.set_role(action, identity, data.role, actor=data.actor)
        return status_out(await state_of(action.session, action.room, identity))

    @post(
        "/owner",
        opt=MODERATE,
        status_code=200,
        summary="Transfer ownership; the previous owner becomes admin",
    )
    async def transfer_owner(self, data: OwnerTransfer, action: RoomAction) -> RoomOut:
        await roles.transfer_owner(action, data.identity, actor=data.actor)
        return room_out(action.room)

    @get("/controls", opt=READ, summary="The room-wide controls in force")
    async def get_controls(self, room_row: Room) -> RoomControls:
        return controls_out(room_row)

    @patch(
        "/controls",
        opt=MODERATE,
        summary="Switch room-wide controls for members and audience (optionally timed), applied live",
    )
    async def set_controls(self, data: ControlsUpdate, action: RoomAction) -> RoomControls:
        switches = {
            control: value
            for control in ROOM_CONTROLS
            if (value := getattr(data, f"{control}_disabled")) is not None
        }
        room = await controls.set_controls(
            action, switches, duration=data.duration, until=data.until, actor=data.actor, reason=data.reason
        )
        return controls_out(room)

    @get(
        "/participants/{identity:str}/moderation", opt=READ, summary="Role, ban, mute and seat of an identity"
    )
    async def moderation_status(
        self, identity: IdentityPath, room_row: Room, db_session: AsyncSession
    ) -> ModerationStatus:
        return status_out(await state_of(db_session, room_row, identity))

    @get("/audit", opt=MODERATE, summary="Every moderation and seat action, newest first")
    async def audit(self, room_row: Room, db_session: AsyncSession, page: Page) -> AuditPage:
        entries, next_cursor = await audit.list_audit(db_session, room_row, page)
        return AuditPage(items=[audit_out(e) for e in entries], next_cursor=next_cursor)
