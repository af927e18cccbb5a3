"""structlog set-up, the per-request id, and the one canonical access line per request.

Log lines are JSON when stdout is not a TTY (or when ``ROOMSVC_LOG_JSON=true``). The request id comes from
``X-Request-ID`` when the caller sends a sane one, or is generated; it is bound to every line logged
while the request runs, echoed back in the response header, and passed on to LiveKit calls and events.
Secrets never reach a log line: :func:`_redact` drops well-known secret-bearing keys as a last guard.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from roomsvc import metrics

REQUEST_ID_HEADER = b"x-request-id"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SECRET_KEYS = frozenset(
    {"authorization", "token", "secret", "api_secret", "password", "signing_secret", "client_secret"}
)

log = structlog.get_logger("roomsvc")


def _redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        if key.lower() in _SECRET_KEYS:
            event_dict[key] = "[redacted]"
    return event_dict


def configure_logging(level: str = "info", json: bool | None = None) -> None:
    """Configure structlog (and the stdlib root logger it renders through). Safe to call twice."""
    if json is None:
        json = not sys.stdout.isatty()
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=True,
    )
    # Libraries that log through the stdlib (uvicorn, sqlalchemy, livekit) render through structlog too.
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


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
                if _REQUEST_ID_RE.match(candidate):
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
