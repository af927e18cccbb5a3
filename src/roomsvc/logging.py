"""structlog set-up and the per-request id (the access line per request is ``roomsvc/middleware.py``).

Log lines are JSON when stdout is not a TTY (or when ``ROOMSVC_LOG_JSON=true``). The request id comes from
``X-Request-ID`` when the caller sends a sane one, or is generated; it is bound to every line logged
while the request runs, echoed back in the response header, and passed on to LiveKit calls and events.
Secrets never reach a log line: :func:`_redact` drops well-known secret-bearing keys as a last guard.
"""

from __future__ import annotations

import json as stdlib_json
import logging
import os
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import msgspec
import structlog

REQUEST_ID_HEADER = b"x-request-id"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SECRET_KEYS = frozenset(
    {"authorization", "token", "secret", "api_secret", "password", "signing_secret", "client_secret"}
)

log = structlog.get_logger("roomsvc")


def _redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        if key.lower() in _SECRET_KEYS:
            event_dict[key] = "[redacted]"
    return event_dict


def _json_fallback(value: Any) -> Any:
    """What a log line shows for a value JSON has no type for (structlog's own fallback)."""
    try:
        return value.__structlog__()
    except AttributeError:
        return repr(value)


_ENCODER = msgspec.json.Encoder(enc_hook=_json_fallback)


def _dumps(event_dict: Any, **_: Any) -> str:
    """A log line's JSON: msgspec's encoder (a third of ``json.dumps``'s time; every request logs a line),
    compact separators; a value msgspec cannot encode goes through structlog's fallback (``__structlog__``
    or ``repr``), and anything msgspec refuses outright (an int over 64 bits) through ``json.dumps``."""
    try:
        return _ENCODER.encode(event_dict).decode()
    except (TypeError, ValueError, OverflowError):
        return stdlib_json.dumps(event_dict, default=_json_fallback, separators=(",", ":"))


def configure_logging(level: str = "info", json: bool | None = None) -> None:
    """Configure structlog (and the stdlib root logger it renders through). Safe to call twice."""
    if json is None:
        json = not sys.stdout.isatty()
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_dumps) if json else structlog.dev.ConsoleRenderer()
    )
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
    """128 random bits as 32 hex digits (what ``uuid.uuid4().hex`` gave, without building a UUID)."""
    return os.urandom(16).hex()


def current_request_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None
