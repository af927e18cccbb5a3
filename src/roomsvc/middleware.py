"""The HTTP edge's one ASGI middleware, :class:`EdgeMiddleware`: every route runs inside it.

It does in a single pass, in this order, what three middlewares nested in one another did before
(request context, caller auth, transaction retry):

1. **Request id.** ``X-Request-ID`` from the request when it is sane (``logging.REQUEST_ID_RE``), else a
   new one; stored in ``scope["state"]["request_id"]``, bound to every log line (structlog contextvars,
   cleared first) and added to the response's headers.
2. **Caller auth**, for ``/v1/`` paths only (health checks, LiveKit webhooks, ``/metrics``, the docs and
   the web assets need no caller JWT): the ``Authorization`` JWT (``auth.authenticate``; a credential not
   in the cache, or a failed authentication, costs the client address a pre-authentication token), the
   route's ``opt["scopes"]``, the project it acts in (``Roomsvc-Project``), then the caller's rate limit
   (``opt["rate_bucket"]``). The caller is bound to the log context and set as ``scope["user"]``. A
   refusal (401/403/404/429/500 ``AppError``) is answered here through the app's ``AppError`` handler —
   problem+json with its ``WWW-Authenticate``/``Retry-After`` headers — and the route does not run.
3. **The route**, through ``retry.run_with_retry``: a run whose transaction lost a lock conflict runs
   again when it made no side effect (``roomsvc.retry``). Auth is not repeated: a re-run costs no second
   rate-limit token.
4. **One canonical access line** (``http.request``: method, path, route, status, duration_ms, caller)
   and the HTTP metrics (by route template, never the raw path), whatever happened. When something
   raised past this middleware (Litestar's outer exception handler answers), the status is the one that
   handler will send (:func:`_status_of`).

Kept apart from ``logging.py`` so that processes without an HTTP server (the agent worker, the jobs
runner) configure logging without loading Litestar.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from litestar import Request
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from roomsvc import metrics
from roomsvc.auth import PROJECT_HEADER_BYTES, act_in_project, authenticate, require_scopes
from roomsvc.errors import AppError, Unauthenticated
from roomsvc.logging import REQUEST_ID_HEADER, REQUEST_ID_RE, new_request_id
from roomsvc.retry import run_with_retry

log = structlog.get_logger("roomsvc")
_AUTHORIZATION = b"authorization"
_bind_contextvars = structlog.contextvars.bind_contextvars
_clear_contextvars = structlog.contextvars.clear_contextvars


def _status_of(exc: Exception) -> int:
    """The status the exception handlers will answer with: AppError.status, HTTPException.status_code."""
    for attribute in ("status", "status_code"):
        status = getattr(exc, attribute, None)
        if isinstance(status, int) and 400 <= status <= 599:
            return status
    return 500


class EdgeMiddleware:
    """ASGI middleware: request id, caller auth, the route (retried on a lock conflict), the access line
    and metrics, in one pass (module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        guarded = path.startswith("/v1/")
        # One walk over the headers for everything this pass reads.
        request_id = authorization = named_project = None
        for name, value in scope["headers"]:
            if name == REQUEST_ID_HEADER:
                if request_id is None:  # the first X-Request-ID counts
                    candidate = value.decode("latin-1")
                    request_id = candidate if REQUEST_ID_RE.match(candidate) else ""
            elif guarded:
                if name == _AUTHORIZATION:
                    authorization = value.decode("latin-1")
                elif name == PROJECT_HEADER_BYTES:
                    named_project = value.decode("latin-1")
        request_id = request_id or new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        _clear_contextvars()
        _bind_contextvars(request_id=request_id)
        status = 500
        started = time.perf_counter()
        header_value = request_id.encode()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, header_value))
                message["headers"] = headers  # type: ignore[typeddict-unknown-key]
            await send(message)

        try:
            if not guarded or await _authorize(scope, receive, send_wrapper, authorization, named_project):
                await run_with_retry(self.app, scope, receive, send_wrapper)
        except Exception as exc:
            # Litestar's exception handling outside turns it into the response (without the request id
            # header), so take the status from the exception.
            status = _status_of(exc)
            raise
        finally:
            elapsed = time.perf_counter() - started
            template: str | None = scope.get("path_template")
            method = scope.get("method")
            log.info(
                "http.request",
                method=method,
                path=path,
                route=template or path,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
                caller=state.get("caller_id"),
            )
            # Labelled by the route template, never the raw path (one time series per route).
            metrics.observe_http(str(method or ""), template, status, elapsed)
            _clear_contextvars()


async def _authorize(
    scope: Scope, receive: Receive, send: Send, authorization: str | None, named_project: str | None
) -> bool:
    """Step 2 of the pass: True when the route may run; otherwise the refusal has been sent."""
    litestar_app: Any = scope["app"]
    state = litestar_app.state
    client = scope.get("client")
    address = client[0] if client else "unknown"
    preauth = state.preauth_limiter  # ratelimit.ClientLimiter
    store = state.credential_store
    try:
        try:
            caller = await authenticate(
                authorization,
                store,
                state.settings.caller_auth,
                before_lookup=lambda: preauth.check(address),
            )
        except Unauthenticated:
            preauth.take(address)  # failures drain the address's bucket; its next lookup may be 429
            raise
        opt = scope["route_handler"].opt
        require_scopes(caller, opt.get("scopes", ()))
        caller = await act_in_project(caller, named_project, store)
        scope["state"]["caller_id"] = caller.credential_id
        _bind_contextvars(caller=caller.credential_id)
        await state.rate_limiter.check(caller.credential_id, opt.get("rate_bucket", "default"))
    except AppError as exc:
        # Answered here, through the same handler as everything else, with the request id header.
        request: Request[Any, Any, Any] = Request(scope, receive)
        response = litestar_app.exception_handlers[AppError](request, exc)
        await response.to_asgi_response(app=litestar_app, request=request)(scope, receive, send)
        return False
    scope["user"] = caller
    return True
