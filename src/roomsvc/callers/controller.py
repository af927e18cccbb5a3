from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, get

from roomsvc.auth import Caller


class Me(msgspec.Struct):
    credential_id: str
    project: str | None = msgspec.field()
    scopes: list[str] = msgspec.field()
    operator: str | None = msgspec.field()
    expires_at: dt.datetime | None = msgspec.field()


class CallerController(Controller):
    path = "/v1"
    tags = ["callers"]

    @get(
        "/me",
        summary="The caller this token proves: credential, project, scopes, operator, expiry",
        description=(
            "Any valid caller token may ask (no scope needed). `project` is the project the request acts "
            "in (for a `platform` credential, the one `Roomsvc-Project` names, or null). `operator` is the "
            "token's `sub` (set by `roomsvc console-token`), recorded as the actor of moderation the caller "
            "does itself."
        ),
    )
    async def me(self, request: Request[Caller, Any, Any]) -> Me:
        caller = request.user
        expires = (
            None if caller.expires_at is None else dt.datetime.fromtimestamp(caller.expires_at, tz=dt.UTC)
        )
        return Me(
            credential_id=caller.credential_id,
            project=caller.project,
            scopes=sorted(caller.scopes),
            operator=caller.operator,
            expires_at=expires,
        )
