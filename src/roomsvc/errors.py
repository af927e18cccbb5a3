"""Domain errors and the one table that maps them to HTTP problems (RFC 9457).

The tree::

    AppError                      500 internal
    ├── BadRequest                400 bad-request / validation-failed
    ├── Unauthenticated           401 unauthenticated (missing, invalid or expired credentials)
    ├── Forbidden                 403 forbidden (scope, ban, rule)
    ├── NotFound                  404 not-found
    ├── Conflict                  409 conflict (room ended, full, name taken with other options)
    │   └── TransactionConflict       transaction-conflict (lost a deadlock on every retry; Retry-After)
    ├── Gone                      410 gone (invitation expired/used)
    ├── PayloadTooLarge           413 payload-too-large
    ├── RateLimited               429 rate-limited (Retry-After)
    └── DependencyUnavailable     503 <dependency>-unavailable (Retry-After)
        ├── LiveKitUnavailable        livekit-unavailable
        ├── DatabaseUnavailable       database-unavailable
        ├── RedisUnavailable          redis-unavailable
        └── StorageUnavailable        storage-unavailable (recording storage: S3 or the local directory)
    LiveKitError                  502 livekit-error (LiveKit answered, but with an unexpected error)

Services raise these; ``app.py`` turns every one of them — and Litestar's own HTTP exceptions, and
anything unexpected — into ``application/problem+json`` through :func:`problem_response`.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_BASE = "urn:roomsvc:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"

# HTTP status → default problem code and title: for the error classes below, and for errors raised
# outside our services (Litestar's own HTTP exceptions).
HTTP_STATUS_CODES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Unauthenticated"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    410: ("gone", "Gone"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("unprocessable", "Unprocessable content"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal", "Internal server error"),
    503: ("dependency-unavailable", "Service unavailable"),
}


class AppError(Exception):
    """Base of every domain error. A subclass names its HTTP status in the class statement
    (``class Forbidden(AppError, status=403)``); code and title default to that status's row of
    :data:`HTTP_STATUS_CODES` unless given there too."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal server error"
    retry_after: int | None = None

    def __init_subclass__(
        cls,
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        retry_after: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
            cls.code, cls.title = HTTP_STATUS_CODES.get(status, (cls.code, cls.title))
        if code is not None:
            cls.code = code
        if title is not None:
            cls.title = title
        if retry_after is not None:
            cls.retry_after = retry_after

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


class BadRequest(AppError, status=400):
    """Invalid input; ``field=`` names the offending field."""


class Unauthenticated(AppError, status=401):
    """Missing, invalid or expired credentials."""


class Forbidden(AppError, status=403):
    """Authenticated, but not allowed: scope, ban or room rule."""


class NotFound(AppError, status=404):
    """No such object (or one the caller may not see)."""


class Conflict(AppError, status=409):
    """The object's state refuses the action (room ended, seat taken, name used with other options)."""


class TransactionConflict(Conflict, code="transaction-conflict", title="Transaction conflict", retry_after=1):
    """The request's transaction kept losing lock conflicts (deadlocks) with concurrent work on the same
    objects, and was rolled back; the edge already re-ran it where that was safe."""


class Gone(AppError, status=410):
    """The object existed but can no longer be used (an expired invitation)."""


class PayloadTooLarge(AppError, status=413):
    """The request body is over the limit."""


class RateLimited(AppError, status=429):
    """The caller's token bucket is empty; Retry-After says when to retry."""


class DependencyUnavailable(AppError, status=503, retry_after=2):
    """A dependency is down; Retry-After says when to retry."""


class LiveKitUnavailable(DependencyUnavailable, code="livekit-unavailable", title="LiveKit unavailable"):
    """LiveKit cannot be reached or answered 5xx."""


class DatabaseUnavailable(DependencyUnavailable, code="database-unavailable", title="Database unavailable"):
    """MySQL/MariaDB cannot be reached."""


class RedisUnavailable(DependencyUnavailable, code="redis-unavailable", title="Redis unavailable"):
    """Redis cannot be reached."""


class StorageUnavailable(DependencyUnavailable, code="storage-unavailable", title="Storage unavailable"):
    """Recording storage (the S3 endpoint or the local directory) cannot be reached or refused to work."""


class LiveKitError(AppError, status=502, code="livekit-error", title="LiveKit error"):
    """LiveKit answered, but with an unexpected error."""


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
