"""Create, look up and revoke caller credentials; secrets are sealed with AES-GCM at rest.

A caller signs its JWTs (HS256) with its secret, so the service must be able to recover the secret to
verify them: it is stored encrypted under a key derived from ``ROOMSVC_SECRET_KEY``, never in clear.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.credentials.models import CallerCredential
from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, NotFound

ALL_SCOPES = ("rooms:read", "rooms:write", "moderation", "detection", "events", "admin")


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
    public_id: str | None = None,
    secret: str | None = None,
) -> tuple[CallerCredential, str]:
    public_id = public_id or "cred_" + secrets.token_hex(8)
    secret = secret or secrets.token_urlsafe(32)
    credential = CallerCredential(
        public_id=public_id,
        name=name,
        scopes=normalize_scopes(scopes),
        secret_ciphertext=seal_secret(master_key, secret, public_id),
    )
    session.add(credential)
    await session.flush()
    return credential, secret


async def upsert_credential(
    session: AsyncSession, *, master_key: str, public_id: str, secret: str, name: str, scopes: Iterable[str]
) -> CallerCredential:
    """Create or reset a credential with a known id and secret (used for the dev credential)."""
    existing = await get_by_public_id(session, public_id)
    if existing is None:
        credential, _ = await create_credential(
            session, master_key=master_key, name=name, scopes=scopes, public_id=public_id, secret=secret
        )
        return credential
    existing.name = name
    existing.scopes = normalize_scopes(scopes)
    existing.secret_ciphertext = seal_secret(master_key, secret, public_id)
    existing.revoked_at = None
    return existing


async def get_by_public_id(session: AsyncSession, public_id: str) -> CallerCredential | None:
    result = await session.execute(select(CallerCredential).where(CallerCredential.public_id == public_id))
    return result.scalar_one_or_none()


async def list_credentials(session: AsyncSession) -> list[CallerCredential]:
    result = await session.execute(select(CallerCredential).order_by(CallerCredential.id))
    return list(result.scalars())


async def revoke_credential(session: AsyncSession, public_id: str) -> CallerCredential:
    credential = await get_by_public_id(session, public_id)
    if credential is None:
        raise NotFound(f"no credential {public_id!r}")
    credential.revoked_at = utcnow()
    return credential
