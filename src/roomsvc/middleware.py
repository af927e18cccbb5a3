"""The HTTP edge's ASGI middleware: request id in and out, bound log context, one access line per request.

Kept apart from ``logging.py`` so that processes without an HTTP server (the agent worker, the jobs
runner) configure logging without loading Litestar.
"""

from __future__ import annotations

import time

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from roomsvc import metrics
from roomsvc.logging import REQUEST_ID_HEADER, REQUEST_ID_RE, new_request_id

log = structlog.get_logger("roomsvc")


def _status_of(exc: Exception) -> int:
    """The status the exception handlers will answer with: AppError.status, HTTPException.status_code."""
    for attribute in ("status", "status_code"):
        status = getattr(exc, attribute, None)
        if isinstance(status, int) and 400 <= status <= 599:
            return status
    return 500


class RequestContextMiddleware:
    """ASGI middleware: request id in and out, bound log context, one canonical line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope["headers"]:
            if name == REQUEST_ID_HEADER:
                candidate = value.decode("latin-1")
                if REQUEST_ID_RE.match(candidate):
                    request_id = candidate
                break
        request_id = request_id or new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status_holder = [500]
        started = time.perf_counter()
        header_value = request_id.encode()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, header_value))
                message["headers"] = headers  # type: ignore[typeddict-unknown-key]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            # Raised by a middleware inside this one (e.g. 401 from caller auth): Litestar's exception
            # handling outside turns it into the response, so take the status from the exception.
            status_holder[0] = _status_of(exc)
            raise
        finally:
            elapsed = time.perf_counter() - started
            template: str | None = scope.get("path_template")
            caller = scope.get("state", {}).get("caller_id")
            log.info(
                "http.request",
                method=scope.get("method"),
                path=scope.get("path"),
                route=template or scope.get("path", ""),
                status=status_holder[0],
                duration_ms=round(elapsed * 1000, 2),
                caller=caller,
            )
            # Labelled by the route template, never the raw path (one time series per route).
            metrics.observe_http(str(scope.get("method", "")), template, status_holder[0], elapsed)
            structlog.contextvars.clear_contextvars()
