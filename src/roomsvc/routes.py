"""What every controller shares: the route options (scopes, rate bucket) and the page parameters.

:class:`roomsvc.middleware.EdgeMiddleware` reads ``opt["scopes"]`` and ``opt["rate_bucket"]``. A listing
asks for ``page: Page`` and gets ``cursor`` and ``limit`` from the query string (``PAGE``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.di import Provide
from litestar.params import Parameter

from roomsvc import idempotency
from roomsvc.types import Page

READ: dict[str, Any] = {"scopes": ("rooms:read",)}
WRITE: dict[str, Any] = {"scopes": ("rooms:write",)}
# Room lifecycle writes (create, update, end) also draw from the ``rooms:write`` rate bucket.
ROOM_WRITE: dict[str, Any] = {"scopes": ("rooms:write",), "rate_bucket": "rooms:write"}
MODERATE: dict[str, Any] = {"scopes": ("moderation",)}
EVENTS: dict[str, Any] = {"scopes": ("events",)}
DETECTION: dict[str, Any] = {"scopes": ("detection",)}
RECORDING: dict[str, Any] = {"scopes": ("recording",)}
AGENTS: dict[str, Any] = {"scopes": ("agents",)}
ADMIN: dict[str, Any] = {"scopes": ("admin",)}
# What belongs to no project (the detection model registry): operators only.
PLATFORM: dict[str, Any] = {"scopes": ("platform",)}
# Added to a POST that creates something: an ``Idempotency-Key`` header makes a retry replay the first
# response (roomsvc.idempotency; docs/api.md lists the routes).
IDEMPOTENT: dict[str, Any] = {idempotency.OPT: True}

PageSize = Annotated[int, Parameter(ge=1, le=100, description="page size, 1-100")]


async def provide_page(cursor: str | None = None, limit: PageSize = 50) -> Page:
    return Page(cursor=cursor, limit=limit)


PAGE = {"page": Provide(provide_page)}


async def provide_project_id(request: Request[Any, Any, Any]) -> int:
    """The project the request acts in (``auth.act_in_project`` put it on the caller): the credential's
    own, or the one a platform caller names; 400 ``project-required`` for a platform caller naming none."""
    project_id: int = request.user.require_project()
    return project_id


# A handler that reads or writes project data asks for ``project_id: int``.
PROJECT = {"project_id": Provide(provide_project_id)}
