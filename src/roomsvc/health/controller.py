from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get
from litestar.response import Response
from sqlalchemy import text

from roomsvc.errors import PROBLEM_MEDIA_TYPE, problem_body


@get("/healthz", tags=["health"], summary="Process is alive (checks no dependency)")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _check(name: str, probe: Any, limit: float) -> tuple[str, str | None]:
    try:
        await asyncio.wait_for(probe(), limit)
    except Exception as exc:
        return name, f"{type(exc).__name__}: {str(exc)[:200]}" if str(exc) else type(exc).__name__
    return name, None


@get(
    "/readyz", tags=["health"], summary="MySQL, Redis and LiveKit reachable; 503 problem naming what is down"
)
async def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    state = request.app.state

    async def mysql() -> None:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def redis() -> None:
        await state.redis.ping()

    checks = await asyncio.gather(
        _check("mysql", mysql, 3.0), _check("redis", redis, 3.0), _check("livekit", state.livekit.ping, 3.0)
    )
    down = {name: error for name, error in checks if error}
    status = {name: ("down" if error else "up") for name, error in checks}
    if down:
        body = problem_body(
            status=503,
            code="not-ready",
            title="Not ready",
            detail=f"Unavailable: {', '.join(down)}. Start them (`make run` does); check the URLs in .env.",
            checks=status,
            errors=down,
        )
        return Response(body, status_code=503, media_type=PROBLEM_MEDIA_TYPE, headers={"Retry-After": "5"})
    return Response({"status": "ready", "checks": status})
