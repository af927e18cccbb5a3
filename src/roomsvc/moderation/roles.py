"""Roles and ownership: set a participant's role, transfer the room's ownership.

``UpdateParticipant`` replaces the whole permission set, so every change pushes the recomputed set
(``permissions.apply_live``) to the participant if it is connected; later tokens follow the stored role.
"""

from __future__ import annotations

from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, Forbidden
from roomsvc.moderation import audit, permissions
from roomsvc.notices import service as notices
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction


async def set_role(act: RoomAction, identity: str, role: str, *, actor: str | None) -> str:
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    actor = await permissions.authorize(
        session, room, caller, actor, target=identity, action="change the role of"
    )
    if identity == room.owner:
        raise Forbidden("The owner's role changes only by transferring ownership.", code="insufficient-rank")
    current = await permissions.role_of(session, room, identity)
    if (
        actor is not None
        and "admin" in (role, current)
        and await permissions.role_of(session, room, actor) != "owner"
    ):
        raise Forbidden("Only the owner grants or removes the admin role.", code="insufficient-rank")
    await upsert_role(session, room, identity, role)
    connected = await permissions.apply_live(session, gateway, room, identity)
    params = {"from": current, "to": role, "applied_live": connected}
    await audit.record(session, room, "role", caller, actor, target=identity, params=params)
    if connected:
        notice = {"identity": identity, "role": role, "previous_role": current, "actor": actor}
        await notices.notify(gateway, room, "participant.role_changed", notice, identities=(identity,))
    return role


async def upsert_role(session: AsyncSession, room: Room, identity: str, role: str) -> None:
    now = utcnow()
    statement = mysql_insert(Participant).values(
        room_id=room.id,
        identity=identity,
        role=role,
        state="invited",
        name="",
        metadata="",
        attributes="{}",
        created_at=now,
        updated_at=now,
    )
    await session.execute(statement.on_duplicate_key_update(role=role, updated_at=now))


async def transfer_owner(act: RoomAction, identity: str, *, actor: str | None) -> Room:
    """Only the current owner (``actor``), or an admin-scope caller, hands the room over."""
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    if actor is not None and actor != room.owner:
        raise Forbidden("Only the current owner transfers ownership.", code="not-the-owner")
    if actor is None and not caller.is_admin:
        raise Forbidden(
            "Transferring ownership needs `actor` (the owner) or the admin scope.", code="actor-required"
        )
    if identity == room.owner:
        raise BadRequest(f"{identity!r} already owns the room.", field="identity")
    await permissions.ensure_not_banned(session, room, identity)
    previous = room.owner
    room.owner = identity
    room.updated_at = utcnow()
    await upsert_role(session, room, previous, "admin")
    await upsert_role(session, room, identity, "owner")
    for who in (previous, identity):
        await permissions.apply_live(session, gateway, room, who)
    await audit.record(
        session, room, "owner", caller, actor, target=identity, params={"previous_owner": previous}
    )
    notice = {"owner": identity, "previous_owner": previous, "actor": actor}
    await notices.notify(gateway, room, "room.owner_changed", notice)
    return room
