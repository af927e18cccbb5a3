"""``Idempotency-Key``: a retried POST that creates something returns the first response, not a duplicate.

A route opts in with ``opt=… | IDEMPOTENT`` (``roomsvc.routes``); docs/api.md lists them. For such a
route, a request with the header goes through one mechanism, the request's own transaction:

1. :func:`provide_session` (the app's ``db_session`` dependency) opens the request's session and, before
   the handler runs, inserts the key's row ``(credential, key, fingerprint)`` in that transaction. The
   fingerprint is a SHA-256 of the method, path, query, the body's bytes and the project.
2. The handler does its work in the same transaction. :func:`store_response` (the app's after-request
   hook, which runs before the edge commits) writes the response's status and body to the row.
3. The edge commits both together, or rolls both back: a key never exists without its effect, and an
   error response (raised) leaves no key behind, so a retry after an error runs again.

A repeated key finds the committed row: same fingerprint → the stored status and body, with
``Idempotent-Replayed: true``, and the handler does not run; another fingerprint → ``422
idempotency-key-reused``. A repeat that arrives while the first is still running waits on the row's
lock (the unique key) until the first commits or rolls back, then replays or runs; if it waits longer
than the database's lock wait timeout it gets ``409 idempotency-key-in-progress``. Keys are per caller
credential and expire after ``ROOMSVC_IDEMPOTENCY_TTL`` (24 h): an expired key is taken over by the next
request that brings it, and the ``retention-idempotency`` job deletes expired rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncGenerator, AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

import structlog
from litestar import Request, Response
from litestar.datastructures import State
from litestar.serialization import encode_json
from sqlalchemy import CursorResult, Index, Integer, String, Table, Text, UniqueConstraint, select, update
from sqlalchemy.dialects.mysql import LONGTEXT
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow
from roomsvc.db import provide_session as provide_plain_session
from roomsvc.errors import AppError, BadRequest, Conflict
from roomsvc.retention import purge

log = structlog.get_logger("roomsvc.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
OPT = "idempotent"  # the route option that turns the mechanism on (roomsvc.routes.IDEMPOTENT)
MAX_KEY_LENGTH = 255
_MYSQL_DUPLICATE_KEY = 1062
_MYSQL_LOCK_WAIT_TIMEOUT = 1205


class IdempotencyKey(IdMixin, Base):
    """One key of one caller credential: the request it was first used for, and the response it got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("credential_id", "idempotency_key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    credential_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(exact(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    response_body: Mapped[str | None] = mapped_column(Text().with_variant(LONGTEXT(), "mysql"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IdempotencyKeyReused(AppError, status=422, code="idempotency-key-reused"):
    """The key was first used for another request (method, path or body)."""


class IdempotencyKeyInProgress(Conflict, code="idempotency-key-in-progress"):
    """The first request with this key is still running."""


class Replayed(Exception):
    """Raised before the handler runs when the key already has a response; :func:`replay` answers it."""

    def __init__(self, status_code: int, body: str) -> None:
        super().__init__(status_code)
        self.status_code, self.body = status_code, body


@dataclass
class _Claim:
    """The request's claim, shared by the session dependency and the after-request hook."""

    session: AsyncSession | None = None
    row_id: int | None = None


# Set for each request of an idempotent route by :func:`begin` (the app's before-request hook, in the
# request's task); the dependency fills it in, from a child task too (it shares the object).
_current: ContextVar[_Claim | None] = ContextVar("roomsvc_idempotency", default=None)


def fingerprint(method: str, path: str, query: bytes, body: bytes, project: str = "") -> str:
    """The request a key was used for. The project is part of it: a platform credential that sends one key
    to two projects gets 422 for the second, never the first project's response."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query, body, project.encode()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _key(request: Request[Any, Any, Any]) -> str | None:
    if not request.route_handler.opt.get(OPT):
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all("!" <= c <= "~" for c in key):
        raise BadRequest(
            f"`{HEADER}` must be 1-{MAX_KEY_LENGTH} visible ASCII characters (a UUID is a good choice).",
            field=HEADER,
        )
    return key


async def begin(request: Request[Any, Any, Any]) -> None:
    """Before-request hook: a fresh claim holder for a request of an idempotent route."""
    _current.set(_Claim() if request.route_handler.opt.get(OPT) else None)


async def provide_session(state: State, request: Request[Any, Any, Any]) -> AsyncIterator[AsyncSession]:
    """The app's ``db_session`` dependency: the request's session and transaction (``db.provide_session``
    on ``state.session_factory``), with the key claimed in it first on an idempotent route."""
    key = _key(request)
    sessions = cast(AsyncGenerator[AsyncSession, None], provide_plain_session(state.session_factory))
    session = await anext(sessions)
    if key is not None:
        try:
            row_id = await _claim(session, request, key)
        except BaseException:
            await sessions.aclose()  # rolls back and closes
            raise
        claim = _current.get()
        if claim is not None:
            claim.session, claim.row_id = session, row_id
    try:
        yield session
    except BaseException as exc:
        await sessions.athrow(exc)  # rolls back, closes and raises ``exc`` again
        raise
    await anext(sessions, None)  # commits and closes


async def _claim(session: AsyncSession, request: Request[Any, Any, Any], key: str) -> int:
    """Insert the key's row in the request's transaction and return its id; or raise :class:`Replayed`,
    422 (another request's key) or 409 (the first is still running after the lock wait)."""
    credential = str(request.user.credential_id)
    print_ = fingerprint(
        request.method,
        request.url.path,
        request.scope["query_string"],
        await request.body(),
        str(request.user.project or ""),
    )
    ttl = float(request.app.state.settings.retention.idempotency_ttl)
    for _ in range(3):
        try:
            async with session.begin_nested():
                inserted: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
                    cast(Table, IdempotencyKey.__table__)
                    .insert()
                    .values(
                        credential_id=credential, idempotency_key=key, fingerprint=print_, created_at=utcnow()
                    )
                )
            return int(inserted.lastrowid)
        except IntegrityError as exc:
            if _mysql_code(exc) != _MYSQL_DUPLICATE_KEY:
                raise
        except OperationalError as exc:
            if _mysql_code(exc) != _MYSQL_LOCK_WAIT_TIMEOUT:
                raise
            raise _in_progress(key) from None
        found = (
            await session.execute(
                select(IdempotencyKey).where(
                    IdempotencyKey.credential_id == credential, IdempotencyKey.idempotency_key == key
                )
            )
        ).scalar_one_or_none()
        if found is None:
            continue  # deleted (expired) in between: insert again
        expired_before = utcnow() - dt.timedelta(seconds=ttl)
        if found.created_at < expired_before:
            taken: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
                update(IdempotencyKey)
                .where(IdempotencyKey.id == found.id, IdempotencyKey.created_at < expired_before)
                .values(fingerprint=print_, created_at=utcnow(), status_code=None, response_body=None)
            )
            if taken.rowcount == 1:
                log.info("idempotency.expired_key_reused", credential=credential)
                return found.id
            continue
        if found.fingerprint != print_:
            raise IdempotencyKeyReused(
                f"`{HEADER}` {key!r} was first used for another request (method, path or body); "
                "use a new key for a new request.",
                field=HEADER,
            )
        if found.status_code is None or found.response_body is None:
            raise _in_progress(key)
        raise Replayed(found.status_code, found.response_body)
    raise _in_progress(key)


def _in_progress(key: str) -> IdempotencyKeyInProgress:
    return IdempotencyKeyInProgress(
        f"A request with `{HEADER}` {key!r} is still in progress; retry it shortly.", retry_after=1
    )


def _mysql_code(exc: IntegrityError | OperationalError) -> int | None:
    args = getattr(exc.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


async def store_response(response: Response[Any]) -> Response[Any]:
    """After-request hook: the response of a request that claimed a key is stored with it, in the
    request's transaction (the edge commits after this)."""
    claim = _current.get()
    if claim is None or claim.session is None or claim.row_id is None:
        return response
    content = response.content
    body = content if isinstance(content, bytes) else encode_json(content)
    await claim.session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim.row_id)
        .values(status_code=response.status_code, response_body=body.decode())
    )
    return response


def replay(_: Request[Any, Any, Any], exc: Replayed) -> Response[bytes]:
    """The exception handler of :class:`Replayed`: the first response again."""
    return Response(
        content=exc.body.encode(),
        status_code=exc.status_code,
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )


async def purge_expired(session: AsyncSession, *, ttl: float, batch: int) -> int:
    """Retention: delete up to ``batch`` keys older than ``ttl`` seconds (``retention-idempotency``)."""
    before = utcnow() - dt.timedelta(seconds=ttl)
    return await purge(session, IdempotencyKey, IdempotencyKey.created_at, before, batch=batch, by_id=False)
