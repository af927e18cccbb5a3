"""/demo: the page, its assets (roomsvc.web) and its backend (/demo/api/*). Dev only; see __init__."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from roomsvc.config import Settings
from roomsvc.demo import service
from roomsvc.demo.schemas import DemoJoin
from roomsvc.errors import AppError
from roomsvc.types import ROOM_NAME_PATTERN
from roomsvc.web import demo_dir

RoomPath = Annotated[str, Parameter(pattern=ROOM_NAME_PATTERN, description="room name")]
SEATS_ROUTE = "/v1/rooms/{room:str}/seats"


class DemoNotBuilt(AppError):
    status = 503
    code = "demo-not-built"
    title = "Demo page not built"


def _relay(problem: service.UpstreamProblem) -> Response[bytes]:
    upstream = problem.response
    return Response(
        upstream.content,
        status_code=upstream.status_code,
        media_type=upstream.headers.get("content-type", "application/json"),
    )


class DemoController(Controller):
    path = "/demo"
    include_in_schema = False

    @get("/", media_type="text/html")
    async def page(self) -> Response[bytes]:
        directory = demo_dir()
        if directory is None:
            raise DemoNotBuilt(
                "web/dist/demo is missing; build it with `(cd web && npm ci && npm run build)` "
                "(`make run` does this)."
            )
        return Response((directory / "index.html").read_bytes(), media_type="text/html")

    @post("/api/join", status_code=200)
    async def join(self, data: DemoJoin, settings: Settings) -> Any:
        try:
            return await service.join(
                service.ApiClient(settings), data.room, data.identity, data.role, data.name
            )
        except service.UpstreamProblem as problem:
            return _relay(problem)

    @get("/api/rooms/{room:str}/participants")
    async def participants(self, room: RoomPath, settings: Settings) -> Any:
        try:
            return await service.ApiClient(settings).ok("GET", f"/v1/rooms/{room}/participants")
        except service.UpstreamProblem as problem:
            return _relay(problem)

    @get("/api/rooms/{room:str}/seats")
    async def seats(self, request: Request[Any, Any, Any], room: RoomPath, settings: Settings) -> Any:
        # Stage seats are shown when this roomsvc has them (the route exists) and the room has a stage.
        if not any(route.path == SEATS_ROUTE for route in request.app.routes):
            return {"available": False}
        try:
            body = await service.ApiClient(settings).ok("GET", f"/v1/rooms/{room}/seats")
        except service.UpstreamProblem as problem:
            return _relay(problem)
        return {"available": bool(body.get("items")), **body}
