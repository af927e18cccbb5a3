from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import utcnow
from roomsvc.routes import PAGE, READ
from roomsvc.types import Page
from roomsvc.usage import service
from roomsvc.usage.ranges import DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS, parse_range
from roomsvc.usage.schemas import GroupBy, UsagePage

_BOUND = (
    "a date (`2026-12-01`, midnight UTC) or an RFC 3339 time with its offset (`2026-12-01T09:30:00+01:00`)"
)
Bound = Annotated[str, Parameter(max_length=64)]


class UsageController(Controller):
    path = "/v1/usage"
    tags = ["usage"]
    dependencies = PAGE

    @get(
        "",
        opt=READ,
        summary="Participant-minutes, room-minutes and peak concurrency per day, room or project",
        description=(
            "Computed from the call records over the half-open range `[from, to)`, at most "
            f"{MAX_RANGE_DAYS} days (`to` defaults to now, `from` to {DEFAULT_RANGE_DAYS} days before `to`). "
            "`group_by=day` lists every UTC day of the range (sessions that cross midnight are split), "
            "`room` the rooms with a call or a session in it, `project` the project (a `platform` caller "
            "naming no project in `Roomsvc-Project` gets one item per project). Sessions still open count "
            'up to `as_of`. `totals` covers the whole range on every page. docs/api.md, "Usage".'
        ),
    )
    async def report(
        self,
        request: Request[Caller, Any, Any],
        db_session: AsyncSession,
        page: Page,
        from_: Annotated[Bound | None, Parameter(query="from", description=f"start: {_BOUND}")] = None,
        to: Annotated[Bound | None, Parameter(description=f"end (exclusive): {_BOUND}")] = None,
        group_by: GroupBy = "day",
        room: Annotated[
            str | None, Parameter(max_length=128, description="only this room of the project")
        ] = None,
    ) -> UsagePage:
        caller = request.user
        window = parse_range(from_, to, now=utcnow())
        project_id = caller.require_project() if room is not None else caller.project_id
        return await service.usage(
            db_session, project_id=project_id, window=window, group_by=group_by, page=page, room=room
        )
