"""Health endpoints: ``/healthz`` (the process) and ``/readyz`` (its dependencies).

``/readyz`` is public, so it must be cheap and say nothing internal: one probe of MySQL, Redis and
LiveKit per replica per ``READY_CACHE_SECONDS`` however many callers ask (concurrent callers share the
probe in flight), and a body that names what is down but never an error text (that goes to the log).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog
from litestar import Request, get
from litestar.response import Response
from sqlalchemy import text

from roomsvc.errors import PROBLEM_MEDIA_TYPE, problem_body


@get("/healthz", tags=["health"], summary="Process is alive (checks no dependency)")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


READY_CACHE_SECONDS = 1.0
PROBE_TIMEOUT = 3.0
log = structlog.get_logger("roomsvc.health")


async def _check(name: str, probe: Any, limit: float) -> tuple[str, bool]:
    try:
        await asyncio.wait_for(probe(), limit)
    except Exception as exc:
        # The error text (addresses, driver messages) is for operators, not for the public body.
        log.warning(
            "readyz.dependency_down", dependency=name, error=type(exc).__name__, detail=str(exc)[:200]
        )
        return name, False
    return name, True


class ReadinessProbe:
    """The last readiness result of this replica, at most ``READY_CACHE_SECONDS`` old."""

    def __init__(self, state: Any, max_age: float = READY_CACHE_SECONDS) -> None:
        self._state = state
        self._max_age = max_age
        self._result: dict[str, bool] | None = None
        self._at = 0.0
        self._lock = asyncio.Lock()
        self.probes = 0  # how many times the dependencies were actually probed

    async def result(self) -> dict[str, bool]:
        async with self._lock:  # callers arriving during a probe wait for it instead of probing again
            if self._result is None or time.monotonic() - self._at >= self._max_age:
                self._result = await self._probe()
                self._at = time.monotonic()
            return self._result

    async def _probe(self) -> dict[str, bool]:
        state = self._state

        async def mysql() -> None:
            async with state.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))

        async def redis() -> None:
            await state.redis.ping()

        self.probes += 1
        checks = await asyncio.gather(
            _check("mysql", mysql, PROBE_TIMEOUT),
            _check("redis", redis, PROBE_TIMEOUT),
            _check("livekit", state.livekit.ping, PROBE_TIMEOUT),
        )
        return dict(checks)


@get(
    "/readyz",
    tags=["health"],
    summary="MySQL, Redis and LiveKit reachable (cached 1 s); 503 problem naming what is down",
)
async def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    state = request.app.state
    probe = state.get("readiness")
    if probe is None:
        probe = state.readiness = ReadinessProbe(state)
    checks = await probe.result()
    down = [name for name, up in checks.items() if not up]
    status = {name: ("up" if up else "down") for name, up in checks.items()}
    if down:
        body = problem_body(
            status=503,
            code="not-ready",
            title="Not ready",
            detail=f"Unavailable: {', '.join(down)}. Start them (`make run` does); check the URLs in .env.",
            checks=status,
        )
        return Response(body, status_code=503, media_type=PROBLEM_MEDIA_TYPE, headers={"Retry-After": "5"})
    return Response({"status": "ready", "checks": status})
