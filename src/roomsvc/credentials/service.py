"""Create, look up and revoke caller credentials; secrets are sealed with AES-GCM at rest.

A caller signs its JWTs (HS256) with its secret, so the service must be able to recover the secret to
verify them: it is stored encrypted under a key derived from ``ROOMSVC_SECRET_KEY``, never in clear.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.credentials.models import DEFAULT_PROJECT, PROJECT_ID_PATTERN, CallerCredential, Project
from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, Conflict, NotFound

# `admin` is every other scope within the credential's project; `platform` (operators) lifts the
# project boundary for the scopes it comes with: such a caller names the project of each request.
ALL_SCOPES = (
    "rooms:read",
    "rooms:write",
    "moderation",
    "detection",
    "recording",
    "agents",
    "events",
    "admin",
    "platform",
)
PROJECT_SCOPES = tuple(s for s in ALL_SCOPES if s != "platform")


async def create_project(session: AsyncSession, public_id: str, name: str = "") -> Project:
    if not re.fullmatch(PROJECT_ID_PATTERN, public_id):
        raise BadRequest(
            f"project id {public_id!r} must match {PROJECT_ID_PATTERN}: lowercase letters, digits and `-`, "
            "at most 32 characters",
            field="project",
        )
    if await get_project(session, public_id) is not None:
        raise Conflict(f"project {public_id!r} already exists", code="project-exists")
    project = Project(public_id=public_id, name=name or public_id)
    session.add(project)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"project {public_id!r} already exists", code="project-exists") from None
    return project


async def get_project(session: AsyncSession, public_id: str) -> Project | None:
    return (await session.execute(select(Project).where(Project.public_id == public_id))).scalar_one_or_none()


async def require_project(session: AsyncSession, public_id: str) -> Project:
    project = await get_project(session, public_id)
    if project is None:
        raise NotFound(f"no project {public_id!r}; create it with `roomsvc credentials create-project`")
    return project


async def list_projects(session: AsyncSession) -> list[Project]:
    return list((await session.execute(select(Project).order_by(Project.id))).scalars())


def _aead(master_key: str) -> AESGCM:
    return AESGCM(hashlib.sha256(b"roomsvc-credential-seal:" + master_key.encode()).digest())


def seal_secret(master_key: str, secret: str, public_id: str) -> str:
    nonce = os.urandom(12)
    sealed = nonce + _aead(master_key).encrypt(nonce, secret.encode(), public_id.encode())
    return base64.b64encode(sealed).decode()


def open_secret(master_key: str, sealed_text: str, public_id: str) -> str:
    sealed = base64.b64decode(sealed_text)
    try:
        return _aead(master_key).decrypt(sealed[:12], sealed[12:], public_id.encode()).decode()
    except InvalidTag:
        raise ValueError(
            f"credential {public_id} cannot be decrypted: "
            "ROOMSVC_SECRET_KEY differs from the one that sealed it"
        ) from None


def normalize_scopes(scopes: Iterable[str]) -> str:
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in wanted if s not in ALL_SCOPES]
    if unknown:
        raise BadRequest(
            f"unknown scope(s): {', '.join(unknown)}; valid scopes: {', '.join(ALL_SCOPES)}", field="scopes"
        )
    if not wanted:
        raise BadRequest("at least one scope is required", field="scopes")
    return " ".join(wanted)


async def create_credential(
    session: AsyncSession,
    *,
    master_key: str,
    name: str,
    scopes: Iterable[str],
    project: str = DEFAULT_PROJECT,
    public_id: str | None = None,
    secret: str | None = None,
) -> tuple[CallerCredential, str]:
    owner = await require_project(session, project)
    public_id = public_id or "cred_" + secrets.token_hex(8)
    secret = secret or secrets.token_urlsafe(32)
    credential = CallerCredential(
        project_id=owner.id,
        public_id=public_id,
        name=name,
        scopes=normalize_scopes(scopes),
        secret_ciphertext=seal_secret(master_key, secret, public_id),
    )
    session.add(credential)
    await session.flush()
    return credential, secret


async def upsert_credential(
    session: AsyncSession,
    *,
    master_key: str,
    public_id: str,
    secret: str,
    name: str,
    scopes: Iterable[str],
    project: str = DEFAULT_PROJECT,
) -> CallerCredential:
    """Create or reset a credential with a known id and secret (used for the dev credentials)."""
    existing = await get_by_public_id(session, public_id)
    if existing is None:
        credential, _ = await create_credential(
            session,
            master_key=master_key,
            name=name,
            scopes=scopes,
            project=project,
            public_id=public_id,
            secret=secret,
        )
        return credential
    existing.project_id = (await require_project(session, project)).id
    existing.name = name
    existing.scopes = normalize_scopes(scopes)
    existing.secret_ciphertext = seal_secret(master_key, secret, public_id)
    existing.revoked_at = None
    return existing


CONSOLE_CREDENTIAL_PREFIX = "cred_console_"


class ConsoleCredentialRevoked(Exception):
    """The project's console credential was revoked: ``roomsvc console-token --reset`` issues a new one."""


async def console_credential(
    session: AsyncSession, *, master_key: str, project: str, reset: bool = False
) -> tuple[CallerCredential, str]:
    """The project's console credential (``cred_console_<project>``, every project scope) and its secret,
    created on first use. ``reset`` gives it a new secret (every console token minted before stops
    working) and lifts a revocation; without it a revoked one raises :class:`ConsoleCredentialRevoked`.
    """
    await require_project(session, project)
    public_id = CONSOLE_CREDENTIAL_PREFIX + project
    existing = await get_by_public_id(session, public_id)
    if existing is None or reset:
        secret = secrets.token_urlsafe(32)
        credential = await upsert_credential(
            session,
            master_key=master_key,
            public_id=public_id,
            secret=secret,
            name=f"console ({project})",
            scopes=PROJECT_SCOPES,
            project=project,
        )
        return credential, secret
    if existing.revoked_at is not None:
        raise ConsoleCredentialRevoked(public_id)
    return existing, open_secret(master_key, existing.secret_ciphertext, public_id)


async def get_by_public_id(session: AsyncSession, public_id: str) -> CallerCredential | None:
    result = await session.execute(select(CallerCredential).where(CallerCredential.public_id == public_id))
    return result.scalar_one_or_none()


async def get_with_project(session: AsyncSession, public_id: str) -> tuple[CallerCredential, str] | None:
    """The credential and its project's id, in one query (the authentication path's cache miss)."""
    row = (
        await session.execute(
            select(CallerCredential, Project.public_id)
            .join(Project, Project.id == CallerCredential.project_id)
            .where(CallerCredential.public_id == public_id)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def list_credentials(session: AsyncSession) -> list[tuple[CallerCredential, str]]:
    result = await session.execute(
        select(CallerCredential, Project.public_id)
        .join(Project, Project.id == CallerCredential.project_id)
        .order_by(CallerCredential.id)
    )
    return [(row[0], row[1]) for row in result]


async def revoke_credential(session: AsyncSession, public_id: str) -> CallerCredential:
    credential = await get_by_public_id(session, public_id)
    if credential is None:
        raise NotFound(f"no credential {public_id!r}")
    credential.revoked_at = utcnow()
    return credential
