"""LiveKit access tokens minted with pyjwt directly — the claims LiveKit parses, nothing more.

The SDK's ``AccessToken`` builds the same JWT through dataclass conversion and is about 3.5x slower
(bench/tokens.py measures both); joining is the hot path, so we sign the claims ourselves.
Least privilege: the ``video`` grant names one room and only what the role allows, and the default
lifetime is short (``ROOMSVC_TOKEN_TTL``): LiveKit refreshes the token of a connected client itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import jwt

from roomsvc.livekit import Grants


def mint_join_token(
    *,
    api_key: str,
    api_secret: str,
    room: str,
    identity: str,
    grants: Grants,
    ttl: int,
    name: str = "",
    metadata: str = "",
    attributes: Mapping[str, str] | None = None,
    now: int | None = None,
) -> tuple[str, int]:
    """Return ``(jwt, exp)`` for ``identity`` to join ``room`` with ``grants``."""
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": api_key,
        "sub": identity,
        "nbf": issued,
        "exp": issued + ttl,
        "video": grants.to_claim(room),
    }
    if name:
        claims["name"] = name
    if metadata:
        claims["metadata"] = metadata
    if attributes:
        claims["attributes"] = dict(attributes)
    return jwt.encode(claims, api_secret, algorithm="HS256"), issued + ttl


def attributes_json(attributes: Mapping[str, str] | None) -> str:
    return json.dumps(dict(attributes or {}), separators=(",", ":"), sort_keys=True)
