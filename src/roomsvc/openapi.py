"""The OpenAPI document says what the API really answers: errors as problem+json, and who needs a token.

Litestar documents each operation's success and a generic 400. Every route can also answer with the
problems of errors.py's table, so :func:`document_operations` adds them to each operation (by what the
route can meet: a caller token, named resources, a body, LiveKit), with the problem+json media type and
schema, and states the caller-JWT security requirement on the /v1 operations only — health checks are
public and LiveKit signs its webhooks itself. tests/integration/test_fuzz_openapi.py holds the API to
this document with schemathesis.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import ServerSentEvent

from roomsvc.errors import PROBLEM_MEDIA_TYPE

CALLER_SECURITY: list[dict[str, list[str]]] = [{"callerJWT": []}]


class Problem(msgspec.Struct):
    """RFC 9457 problem details; some problems add fields (``errors``, ``fields``, ``field``, ...)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    request_id: str | None = None


DESCRIPTIONS = {
    400: "Invalid input; `detail` names the field.",
    401: "Missing, invalid or expired credentials.",
    403: "The caller lacks a scope, or a rule forbids it.",
    404: "No such resource.",
    409: "Conflicts with the current state.",
    410: "Gone (expired or used).",
    413: "Body larger than ROOMSVC_MAX_BODY_BYTES.",
    415: "Unsupported content type.",
    429: "Rate limited; see Retry-After.",
    502: "LiveKit answered with an unexpected error.",
    503: "A dependency (MySQL, Redis, LiveKit) is unavailable; see Retry-After.",
}


def _problem(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_MEDIA_TYPE,
        description=DESCRIPTIONS[status],
        generate_examples=False,
    )


def _statuses(path: str, handler: HTTPRouteHandler, webhook_path: str) -> set[int]:
    methods = set(handler.http_methods)
    writes = bool(methods - {"GET", "HEAD", "OPTIONS"})
    if path == webhook_path:
        return {400, 401, 413, 415, 503}
    if path == "/readyz":
        return {503}
    if not path.startswith("/v1/"):
        return set()
    statuses = {400, 401, 403, 404, 429, 502, 503}  # 404: a path or query parameter names nothing
    if writes:
        statuses |= {409, 410, 413}
    return statuses


def document_operations(app: Litestar, webhook_path: str) -> None:
    """Add the problem responses and the security requirement of every operation (before /schema is read)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            responses: dict[int, Any] = {s: _problem(s) for s in _statuses(route.path, handler, webhook_path)}
            if handler.parsed_fn_signature.return_type.annotation is ServerSentEvent:
                responses[200] = ResponseSpec(
                    data_container=str, media_type="text/event-stream", description="Server-Sent Events."
                )
            responses.update(handler.responses or {})
            handler.responses = responses
            if route.path.startswith("/v1/") and not handler.security:
                handler.security = CALLER_SECURITY
