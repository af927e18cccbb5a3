from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.calls import service
from roomsvc.calls.schemas import CallDetail, CallPage
from roomsvc.rooms import service as room_service

READ = {"scopes": ("rooms:read",)}
PageSize = Annotated[int, Parameter(ge=1, le=100, description="page size, 1-100")]


class CallController(Controller):
    path = "/v1"
    tags = ["calls"]

    @get("/calls", opt=READ, summary="Call records (room sessions), newest first")
    async def list_calls(
        self,
        db_session: AsyncSession,
        room: str | None = None,
        identity: str | None = None,
        started_after: dt.datetime | None = None,
        started_before: dt.datetime | None = None,
        cursor: str | None = None,
        limit: PageSize = 50,
    ) -> CallPage:
        return await service.list_calls(
            db_session,
            room=room,
            identity=identity,
            started_after=started_after,
            started_before=started_before,
            cursor=cursor,
            limit=limit,
        )

    @get("/calls/{call_id:str}", opt=READ, summary="One call with its participant sessions and tracks")
    async def get_call(self, call_id: str, db_session: AsyncSession) -> CallDetail:
        return await service.get_call(db_session, call_id)

    @get("/rooms/{room:str}/calls", opt=READ, summary="A room's calls")
    async def room_calls(
        self, room: str, db_session: AsyncSession, cursor: str | None = None, limit: PageSize = 50
    ) -> CallPage:
        await room_service.get_room(db_session, room)
        return await service.list_calls(
            db_session,
            room=room,
            identity=None,
            started_after=None,
            started_before=None,
            cursor=cursor,
            limit=limit,
        )
