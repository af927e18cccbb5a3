"""Domain errors and the one table that maps them to HTTP problems (RFC 9457).

The tree::

    AppError                      500 internal
    ├── BadRequest                400 bad-request / validation-failed
    ├── Unauthenticated           401 unauthenticated (missing, invalid or expired credentials)
    ├── Forbidden                 403 forbidden (scope, ban, rule)
    ├── NotFound                  404 not-found
    ├── Conflict                  409 conflict (room ended, full, name taken with other options)
    ├── Gone                      410 gone (invitation expired/used)
    ├── PayloadTooLarge           413 payload-too-large
    ├── RateLimited               429 rate-limited (Retry-After)
    └── DependencyUnavailable     503 <dependency>-unavailable (Retry-After)
        ├── LiveKitUnavailable        livekit-unavailable
        ├── DatabaseUnavailable       database-unavailable
        └── RedisUnavailable          redis-unavailable
    LiveKitError                  502 livekit-error (LiveKit answered, but with an unexpected error)

Services raise these; ``app.py`` turns every one of them — and Litestar's own HTTP exceptions, and
anything unexpected — into ``application/problem+json`` through :func:`problem_response`.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_BASE = "urn:roomsvc:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class AppError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal server error"
    retry_after: int | None = None

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        retry_after: int | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code  # type: ignore[misc]
        if retry_after is not None:
            self.retry_after = retry_after
        self.extra = extra

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.code


class BadRequest(AppError):
    status = 400
    code = "bad-request"
    title = "Bad request"


class Unauthenticated(AppError):
    status = 401
    code = "unauthenticated"
    title = "Unauthenticated"


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(AppError):
    status = 404
    code = "not-found"
    title = "Not found"


class Conflict(AppError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Gone(AppError):
    status = 410
    code = "gone"
    title = "Gone"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload-too-large"
    title = "Payload too large"


class RateLimited(AppError):
    status = 429
    code = "rate-limited"
    title = "Too many requests"


class DependencyUnavailable(AppError):
    status = 503
    code = "dependency-unavailable"
    title = "Service unavailable"
    retry_after = 2


class LiveKitUnavailable(DependencyUnavailable):
    code = "livekit-unavailable"
    title = "LiveKit unavailable"


class DatabaseUnavailable(DependencyUnavailable):
    code = "database-unavailable"
    title = "Database unavailable"


class RedisUnavailable(DependencyUnavailable):
    code = "redis-unavailable"
    title = "Redis unavailable"


class LiveKitError(AppError):
    status = 502
    code = "livekit-error"
    title = "LiveKit error"


# Litestar / HTTP status → problem code for errors raised outside our services.
HTTP_STATUS_CODES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Unauthenticated"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("unprocessable", "Unprocessable content"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal", "Internal server error"),
    503: ("dependency-unavailable", "Service unavailable"),
}


def problem_body(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str | None = None,
    request_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if request_id:
        body["request_id"] = request_id
    body.update({k: v for k, v in extra.items() if v is not None})
    return body
