"""Minting a caller JWT (HS256, signed with a caller credential's secret): what the agent, the CLI, the
demo and the tests send to the API. A leaf (PyJWT only), so the agent process can sign its requests
without loading :mod:`roomsvc.auth`, which verifies tokens against credentials in MySQL.
"""

from __future__ import annotations

import time

import jwt


def mint_caller_token(
    *,
    credential_id: str,
    secret: str,
    audience: str,
    scopes: list[str],
    ttl: int = 300,
    operator: str | None = None,
) -> str:
    """``operator`` (claim ``sub``) names the person using the token, e.g. in the console: moderation the
    caller does itself is recorded with it as the actor."""
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": credential_id,
        "aud": audience,
        "iat": now,
        "exp": now + ttl,
        "scope": " ".join(scopes),
    }
    if operator is not None:
        claims["sub"] = operator
    return jwt.encode(claims, secret, algorithm="HS256", headers={"kid": credential_id})
