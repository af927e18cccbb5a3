"""LiveKit access tokens minted with pyjwt directly — the claims LiveKit parses, nothing more.

The SDK's ``AccessToken`` builds the same JWT through dataclass conversion and is about 3.5x slower
(bench/tokens.py measures both); joining is the hot path, so we sign the claims ourselves.
Least privilege: the ``video`` grant names one room and only what the role allows, and the default
lifetime is short (``ROOMSVC_TOKEN_TTL``): LiveKit refreshes the token of a connected client itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from typing import Any

import jwt

from roomsvc.livekit import Grants

AUDIO_SOURCES = ("microphone",)
VIDEO_SOURCES = ("camera", "microphone", "screen_share", "screen_share_audio")
STAGE_AUDIO_SOURCES = ("microphone",)
STAGE_VIDEO_SOURCES = ("camera", "microphone")


def grants_for_role(
    role: str,
    call_type: str,
    *,
    stage: bool = False,
    seated: bool = False,
    muted: Collection[str] = (),
) -> Grants:
    """The whole permission set of a participant (UpdateParticipant replaces it, so always all of it).

    - owner/admin: room admin, publish every source of the call type, always;
    - member: publish, but in a room with a stage only while seated (a seat grants the microphone,
      plus the camera in video rooms);
    - audience: publish only while seated on a stage; otherwise listen and chat
      (``can_publish`` False set explicitly: VideoGrants would default it to True);
    - muted sources are removed from ``can_publish_sources`` — LiveKit then removes those tracks and the
      client cannot publish them again — and with no source left, ``can_publish`` is False (an empty
      source list would mean "any source" to LiveKit).
    """
    sources: tuple[str, ...] = AUDIO_SOURCES if call_type == "audio" else VIDEO_SOURCES
    admin = role in ("owner", "admin")
    if admin:
        may_publish = True
    elif role == "member":
        may_publish = seated or not stage
    else:
        may_publish = stage and seated
    if stage and not admin:  # a seat is a microphone (and a camera in video rooms), not a screen share
        sources = STAGE_AUDIO_SOURCES if call_type == "audio" else STAGE_VIDEO_SOURCES
    allowed = tuple(s for s in sources if s not in muted) if may_publish else ()
    return Grants(
        can_subscribe=True,
        can_publish=bool(allowed),
        can_publish_data=True,
        can_publish_sources=allowed,
        room_admin=admin,
    )


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
