"""Token minting in process: roomsvc's mint_join_token against raw pyjwt HS256 of the same claims.

The SDK's AccessToken (livekit.api) is timed too, for reference only: roomsvc itself never imports
livekit.api outside src/roomsvc/livekit.py, but a benchmark may.
"""

from __future__ import annotations

import statistics
import timeit
from typing import Any

import jwt

ROUNDS = 15
NUMBER = 1000


def _interleaved_rates(functions: dict[str, Any]) -> dict[str, float]:
    """Calls per second of each function, the rounds interleaved so that noise hits all of them alike."""
    timers = {name: timeit.Timer(fn) for name, fn in functions.items()}
    for timer in timers.values():
        timer.timeit(200)  # warm up
    per_call: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(ROUNDS):
        for name, timer in timers.items():
            per_call[name].append(timer.timeit(NUMBER) / NUMBER)
    # The median round: robust to a neighbour stealing the CPU for one round.
    return {name: 1 / statistics.median(times) for name, times in per_call.items()}


def run() -> dict[str, Any]:
    from livekit import api as lkapi

    from roomsvc.moderation.permissions import grants_for_role
    from roomsvc.participants.tokens import mint_join_token

    key, secret = "devkey", "dev-livekit-secret-change-me-0123456789"
    grants = grants_for_role("member", "video")
    now = 1_800_000_000
    fields = {"room": "standup-42", "identity": "alice", "name": "Alice", "metadata": '{"team":"a"}'}

    def ours() -> str:
        return mint_join_token(api_key=key, api_secret=secret, grants=grants, ttl=600, now=now, **fields)[0]

    token = ours()
    claims = jwt.decode(
        token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False}
    )

    def raw() -> str:
        return jwt.encode(claims, secret, algorithm="HS256")

    video = lkapi.VideoGrants(
        room_join=True,
        room="standup-42",
        can_subscribe=True,
        can_publish=True,
        can_publish_data=True,
        can_publish_sources=list(grants.can_publish_sources),
    )

    def sdk() -> str:
        return (
            lkapi.AccessToken(key, secret)
            .with_identity("alice")
            .with_name("Alice")
            .with_metadata('{"team":"a"}')
            .with_grants(video)
            .to_jwt()
        )

    rates = _interleaved_rates({"ours": ours, "raw": raw, "sdk": sdk})
    ours_rate, raw_rate, sdk_rate = rates["ours"], rates["raw"], rates["sdk"]
    return {
        "ours_per_s": round(ours_rate),
        "raw_pyjwt_per_s": round(raw_rate),
        "sdk_access_token_per_s": round(sdk_rate),
        "ratio": round(ours_rate / raw_rate, 3),
        "sdk_ratio": round(sdk_rate / raw_rate, 3),
        "ours_us": round(1e6 / ours_rate, 1),
        "raw_us": round(1e6 / raw_rate, 1),
        "sdk_us": round(1e6 / sdk_rate, 1),
        "same_claims": jwt.decode(
            raw(), secret, algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False}
        )
        == claims,
    }


if __name__ == "__main__":
    print(run())
