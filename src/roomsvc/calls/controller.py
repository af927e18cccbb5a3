from __future__ import annotations

import datetime as dt

from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.calls import service
from roomsvc.calls.schemas import CallDetail, CallPage, ParticipantSessionPage, TrackPage
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.routes import PAGE, READ
from roomsvc.types import Page


class CallController(Controller):
    path = "/v1"
    tags = ["calls"]
    dependencies = ROOM_DEPENDENCIES | PAGE

    @get("/calls", opt=READ, summary="Call records (room sessions), newest first")
    async def list_calls(
        self,
        db_session: AsyncSession,
        project_id: int,
        page: Page,
        room: str | None = None,
        identity: str | None = None,
        started_after: dt.datetime | None = None,
        started_before: dt.datetime | None = None,
    ) -> CallPage:
        return await service.list_calls(
            db_session,
            project_id=project_id,
            room=room,
            identity=identity,
            started_after=started_after,
            started_before=started_before,
            page=page,
        )

    @get(
        "/calls/{call_id:str}",
        opt=READ,
        summary="One call with its first 100 participant sessions and tracks",
    )
    async def get_call(self, call_id: str, db_session: AsyncSession, project_id: int) -> CallDetail:
        return await service.get_call(db_session, project_id, call_id)

    @get(
        "/calls/{call_id:str}/participants",
        opt=READ,
        summary="A call's participant sessions, in recorded order",
    )
    async def call_participants(
        self, call_id: str, db_session: AsyncSession, project_id: int, page: Page
    ) -> ParticipantSessionPage:
        return await service.participant_sessions(db_session, project_id, call_id, page)

    @get("/calls/{call_id:str}/tracks", opt=READ, summary="A call's tracks, in recorded order")
    async def call_tracks(
        self, call_id: str, db_session: AsyncSession, project_id: int, page: Page
    ) -> TrackPage:
        return await service.tracks(db_session, project_id, call_id, page)

    @get("/rooms/{room:str}/calls", opt=READ, summary="A room's calls")
    async def room_calls(self, room_row: Room, db_session: AsyncSession, page: Page) -> CallPage:
        return await service.list_calls(
            db_session, project_id=room_row.project_id, room=room_row.name, page=page
        )
