"""Caller authentication for /v1: HS256 JWTs signed with a caller credential's secret, and scope checks.

A caller (an app backend) sends ``Authorization: Bearer <JWT>`` with header ``kid`` (or claim ``iss``)
naming its credential, ``aud`` equal to ``ROOMSVC_CALLER_AUDIENCE``, a required ``exp`` no further than
``ROOMSVC_CALLER_MAX_TTL`` ahead of ``iat`` (or of now), and ``scope`` — space-separated scopes, which
are intersected with the scopes the credential was granted.

Each route names the scopes it needs in ``opt={"scopes": (...)}`` and, optionally, the rate-limit bucket
in ``opt={"rate_bucket": ...}``; ``middleware.EdgeMiddleware`` enforces both (its step 2). Credentials
are cached in process for ``CREDENTIAL_CACHE_SECONDS`` so the hot path does not hit MySQL: a revocation
takes effect on every replica within that time (open event streams re-check every few seconds). The cache
holds the ``CREDENTIAL_CACHE_SIZE`` most recently used credentials (LRU), unknown ones included.

Before anything costs a MySQL query, a ``kid`` must look like a credential id (``KID_PATTERN``), and a
request that names a credential not in the cache, or fails authentication, takes a token from its client
address's pre-authentication bucket (``ROOMSVC_PREAUTH_RATE_LIMIT``, ``ratelimit.ClientLimiter``): a
stream of made-up ``kid`` values is refused with 429 before it reaches MySQL.
"""

from __future__ import annotations

import binascii
import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import jwt
import structlog
from jwt.utils import base64url_decode
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.config import CallerAuthSettings
from roomsvc.credentials import service as credential_service
from roomsvc.credentials.models import PROJECT_HEADER as PROJECT_HEADER  # re-exported
from roomsvc.credentials.models import PROJECT_ID_PATTERN
from roomsvc.credentials.tokens import mint_caller_token as mint_caller_token  # re-exported
from roomsvc.errors import AppError, BadRequest, Forbidden, NotFound, Unauthenticated
from roomsvc.types import IDENTITY_PATTERN

log = structlog.get_logger("roomsvc.auth")
CREDENTIAL_CACHE_SECONDS = 30.0
CREDENTIAL_CACHE_SIZE = 10_000
# What a credential id can look like (`cred_<hex>`, `cred_dev`, the worker's id): anything else is
# refused without a lookup.
KID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")


class CredentialUnusable(AppError):
    status = 500
    code = "credential-unusable"
    title = "Credential unusable"


PROJECT_PATTERN = re.compile(PROJECT_ID_PATTERN)
OPERATOR_PATTERN = re.compile(IDENTITY_PATTERN)
PROJECT_HEADER_BYTES = PROJECT_HEADER.lower().encode()  # as ASGI spells it


class ProjectRequired(AppError, status=400, code="project-required", title="Project required"):
    pass


@dataclass(frozen=True)
class Caller:
    credential_id: str
    scopes: frozenset[str]
    expires_at: float | None = None  # the token's `exp` (Unix time); None for callers not from a token
    # The project the request acts in: the credential's own, or for a `platform` caller the one its
    # `Roomsvc-Project` header names (None when it names none: project-independent routes only).
    project_id: int | None = None
    project: str | None = None
    # The person the token was minted for (claim `sub`, e.g. by `roomsvc console-token`): recorded as
    # the actor of moderation the caller does itself. None for app-backend tokens.
    operator: str | None = None

    def has(self, scope: str) -> bool:
        if scope == "platform":  # never implied by `admin`: admin is every scope *within* a project
            return scope in self.scopes
        return scope in self.scopes or "admin" in self.scopes

    @property
    def is_admin(self) -> bool:
        return "admin" in self.scopes

    @property
    def is_platform(self) -> bool:
        return "platform" in self.scopes

    def require_project(self) -> int:
        """The id of the project this request acts in; 400 for a platform caller that named none."""
        if self.project_id is None:
            raise ProjectRequired(
                f"A platform caller must name the project it acts in: send the `{PROJECT_HEADER}` header.",
                field=PROJECT_HEADER,
            )
        return self.project_id


@dataclass(frozen=True)
class _CachedCredential:
    secret: str
    scopes: frozenset[str]
    revoked: bool
    fetched_at: float
    project_id: int = 0
    project: str = ""


class CredentialStore:
    """Looks credentials up in MySQL, with a short in-process LRU cache (unknown ids cached too)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        master_key: str,
        *,
        max_entries: int = CREDENTIAL_CACHE_SIZE,
    ) -> None:
        self._session_factory = session_factory
        self._master_key = master_key
        self._max_entries = max_entries
        self._cache: OrderedDict[str, tuple[_CachedCredential | None, float]] = OrderedDict()
        self._projects: dict[str, tuple[int | None, float]] = {}
        self.lookups = 0  # MySQL lookups made (cache misses)

    async def project_id(self, public_id: str, max_age: float = CREDENTIAL_CACHE_SECONDS) -> int | None:
        """A project's internal id by its public id (cached like credentials; None if there is none)."""
        now = time.monotonic()
        hit = self._projects.get(public_id)
        if hit is not None and now - hit[1] < max_age:
            return hit[0]
        async with self._session_factory() as session:
            project = await credential_service.get_project(session, public_id)
        if len(self._projects) >= self._max_entries:
            self._projects.clear()
        self._projects[public_id] = (project.id if project is not None else None, now)
        return project.id if project is not None else None

    def cached(self, public_id: str, max_age: float = CREDENTIAL_CACHE_SECONDS) -> bool:
        hit = self._cache.get(public_id)
        return hit is not None and time.monotonic() - hit[1] < max_age

    async def get(
        self,
        public_id: str,
        *,
        max_age: float = CREDENTIAL_CACHE_SECONDS,
        before_lookup: Callable[[], None] | None = None,
    ) -> _CachedCredential | None:
        """The credential, from the cache when it is younger than ``max_age`` seconds; otherwise
        ``before_lookup`` is called (it may raise: the pre-authentication limiter) and MySQL is read."""
        now = time.monotonic()
        hit = self._cache.get(public_id)
        if hit is not None and now - hit[1] < max_age:
            self._cache.move_to_end(public_id)
            return hit[0]
        if before_lookup is not None:
            before_lookup()
        self.lookups += 1
        async with self._session_factory() as session:
            found = await credential_service.get_with_project(session, public_id)
        entry = None
        if found is not None:
            row, project = found
            try:
                secret = credential_service.open_secret(self._master_key, row.secret_ciphertext, public_id)
            except ValueError:
                # Sealed under another ROOMSVC_SECRET_KEY: an operator error, not the caller's.
                log.error("credential.unsealable", credential=public_id)
                raise CredentialUnusable(
                    f"Credential {public_id!r} cannot be used: the server's ROOMSVC_SECRET_KEY is not "
                    "the key it was sealed with. Operators: restore the key, or re-create the credential."
                ) from None
            entry = _CachedCredential(
                secret=secret,
                scopes=row.scope_set,
                revoked=row.revoked_at is not None,
                fetched_at=now,
                project_id=row.project_id,
                project=project,
            )
        self._cache[public_id] = (entry, now)
        self._cache.move_to_end(public_id)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)  # the least recently used
        return entry

    def forget(self, public_id: str) -> None:
        self._cache.pop(public_id, None)

    def __len__(self) -> int:
        return len(self._cache)


# A compact JWS: three base64url segments (padding tolerated, as pyjwt does; the signature's may be
# empty: an `alg: none` token, refused below by its header). Checked before the header is read, so
# a token that is not three such segments never costs a credential lookup.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*")


def _unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header of a compact JWS, not verified; ``jwt.DecodeError`` when the token is malformed."""
    if not _COMPACT_JWS.fullmatch(token):
        raise jwt.DecodeError("not three base64url segments")
    try:
        header = json.loads(base64url_decode(token[: token.index(".")]))
    except (ValueError, binascii.Error) as exc:  # json's and base64's errors (UnicodeDecodeError included)
        raise jwt.DecodeError(f"invalid header: {exc}") from None
    if not isinstance(header, dict):
        raise jwt.DecodeError("the header is not a JSON object")
    return header


async def authenticate(
    header: str | None,
    store: CredentialStore,
    settings: CallerAuthSettings,
    *,
    before_lookup: Callable[[], None] | None = None,
) -> Caller:
    """The caller a request's Authorization header proves; ``before_lookup`` runs before a credential
    is read from MySQL (not for one in the cache)."""
    if not header:
        raise Unauthenticated(
            "Missing Authorization header; send `Authorization: Bearer <caller JWT>`.", code="missing-token"
        )
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("Authorization must be `Bearer <caller JWT>`.", code="invalid-token")
    # Only the header is read before verification (the token is parsed whole once, by the verifying
    # decode below); the payload only for a token naming its credential by ``iss`` instead of ``kid``.
    try:
        unverified_header = _unverified_header(token)
        kid = unverified_header.get("kid")
        if not kid:
            kid = jwt.decode_complete(token, options={"verify_signature": False})["payload"].get("iss")
    except jwt.PyJWTError:
        raise Unauthenticated("The caller token is not a well-formed JWT.", code="invalid-token") from None
    if unverified_header.get("alg") != "HS256":
        raise Unauthenticated("Caller tokens must be signed with HS256.", code="invalid-token")
    if not isinstance(kid, str) or not kid:
        raise Unauthenticated(
            "The caller token names no credential (`kid` header or `iss`).", code="invalid-token"
        )
    if not KID_PATTERN.fullmatch(kid):
        raise Unauthenticated(
            "The caller token's `kid` (or `iss`) is not a credential id: 1-64 letters, digits, `_ . : -`.",
            code="invalid-token",
        )
    credential = await store.get(kid, before_lookup=before_lookup)
    if credential is None or credential.revoked:
        raise Unauthenticated(f"Unknown or revoked credential {kid!r}.", code="invalid-token")
    try:
        claims = jwt.decode(
            token,
            credential.secret,
            algorithms=["HS256"],
            audience=settings.audience,
            leeway=settings.leeway,
            options={"require": ["exp"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("The caller token has expired; mint a new one.", code="expired-token") from None
    except jwt.InvalidAudienceError:
        raise Unauthenticated(
            f"The caller token's `aud` must be {settings.audience!r}.", code="invalid-token"
        ) from None
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthenticated(
            f"The caller token lacks the `{exc.claim}` claim.", code="invalid-token"
        ) from None
    except jwt.InvalidSignatureError:  # a DecodeError too
        raise Unauthenticated(
            "The caller token's signature or claims are invalid.", code="invalid-token"
        ) from None
    except jwt.DecodeError:  # a payload or signature segment that does not parse
        raise Unauthenticated("The caller token is not a well-formed JWT.", code="invalid-token") from None
    except jwt.PyJWTError:
        raise Unauthenticated(
            "The caller token's signature or claims are invalid.", code="invalid-token"
        ) from None
    issued = claims.get("iat")
    start = issued if isinstance(issued, int | float) else time.time()
    if claims["exp"] - start > settings.max_ttl + settings.leeway:
        raise Unauthenticated(
            f"The caller token lives longer than the {settings.max_ttl} s allowed; shorten `exp`.",
            code="invalid-token",
        )
    requested = claims.get("scope", "")
    if not isinstance(requested, str):
        raise Unauthenticated("`scope` must be a space-separated string.", code="invalid-token")
    scopes = frozenset(requested.split()) & credential.scopes if requested else credential.scopes
    operator = claims.get("sub")
    if operator is not None and not (isinstance(operator, str) and OPERATOR_PATTERN.fullmatch(operator)):
        raise Unauthenticated(
            "The caller token's `sub` (the operator) must be 1-128 characters from A-Z a-z 0-9 . _ @ : + -.",
            code="invalid-token",
        )
    return Caller(
        credential_id=kid,
        scopes=scopes,
        expires_at=float(claims["exp"]),
        project_id=credential.project_id,
        project=credential.project,
        operator=operator,
    )


async def act_in_project(caller: Caller, named: str | None, store: CredentialStore) -> Caller:
    """The caller, in the project the request acts in.

    A project caller acts in its credential's project; naming another one in ``Roomsvc-Project`` is refused
    (403), never silently ignored. A ``platform`` caller acts in the project it names (404 for an unknown
    one, exactly as for an unknown room), or in none.
    """
    if named is not None and not PROJECT_PATTERN.fullmatch(named):
        raise BadRequest(
            f"`{PROJECT_HEADER}` must be a project id: 1-32 lowercase letters, digits and `-`.",
            field=PROJECT_HEADER,
        )
    if not caller.is_platform:
        if named is not None and named != caller.project:
            raise Forbidden(
                f"This credential belongs to project {caller.project!r}; it cannot act in {named!r}.",
                code="project-mismatch",
                field=PROJECT_HEADER,
            )
        return caller
    if named is None:
        return replace(caller, project_id=None, project=None)
    project_id = await store.project_id(named)
    if project_id is None:
        raise NotFound(f"No project {named!r}.", field=PROJECT_HEADER)
    return replace(caller, project_id=project_id, project=named)


def require_scopes(caller: Caller, needed: tuple[str, ...]) -> None:
    missing = [s for s in needed if not caller.has(s)]
    if missing:
        raise Forbidden(
            f"This call needs the scope(s) {', '.join(missing)}, which the caller token does not carry.",
            code="missing-scope",
            missing_scopes=missing,
        )
