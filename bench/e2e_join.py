"""End-to-end join on loopback: create a room → join it → a real `livekit` rtc client connected to LiveKit.

The baseline, measured in the same run, is the last step alone: the same rtc client connecting to an
already existing room with a token minted in process, i.e. what LiveKit and WebRTC cost whatever roomsvc
does. Rooms are ended through the API afterwards.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from bench.common import Server, log, percentile

RUNS = 20


async def _connect(url: str, token: str) -> float:
    from livekit import rtc

    room = rtc.Room()
    started = time.perf_counter()
    await room.connect(url, token, rtc.RoomOptions(auto_subscribe=False))
    elapsed = time.perf_counter() - started
    await room.disconnect()
    return elapsed


async def _run(api: Server, token: str, env: dict[str, str]) -> dict[str, Any]:
    from roomsvc.config import load_settings
    from roomsvc.moderation.permissions import grants_for_role
    from roomsvc.participants.tokens import mint_join_token

    settings = load_settings(env)
    headers = {"Authorization": f"Bearer {token}"}
    totals: list[float] = []
    steps: dict[str, list[float]] = {"create": [], "join": [], "connect": []}
    baseline: list[float] = []
    rooms: list[str] = []
    async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=30) as client:
        for n in range(RUNS + 2):  # the first two warm up connections and caches; not counted
            name = f"bench-e2e-{uuid.uuid4().hex[:10]}"
            rooms.append(name)
            t0 = time.perf_counter()
            created = await client.post(
                "/v1/rooms", json={"name": name, "creator": "bench", "call_type": "audio"}
            )
            t1 = time.perf_counter()
            created.raise_for_status()
            joined = await client.post(f"/v1/rooms/{name}/participants", json={"identity": "bench-user"})
            t2 = time.perf_counter()
            joined.raise_for_status()
            body = joined.json()
            connect = await _connect(body["url"], body["token"])  # connected; its disconnect is not counted
            total = (t2 - t0) + connect
            # Baseline: the same client into the same (now existing) room, with a token minted here.
            local, _ = mint_join_token(
                api_key=settings.livekit.api_key,
                api_secret=settings.livekit.api_secret,
                room=name,
                identity="bench-baseline",
                grants=grants_for_role("member", "audio"),
                ttl=600,
            )
            alone = await _connect(settings.livekit.public_url, local)
            if n < 2:
                continue
            totals.append(total * 1000)
            steps["create"].append((t1 - t0) * 1000)
            steps["join"].append((t2 - t1) * 1000)
            steps["connect"].append(connect * 1000)
            baseline.append(alone * 1000)
        for name in rooms:
            await client.post(f"/v1/rooms/{name}/end", json={"reason": "benchmark over"})

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "max_ms": round(max(values), 1),
        }

    result = {
        "runs": RUNS,
        "total": summary(totals),
        "steps": {k: summary(v) for k, v in steps.items()},
        "baseline_connect_only": summary(baseline),
    }
    result["ratio_p50"] = round(result["total"]["p50_ms"] / result["baseline_connect_only"]["p50_ms"], 2)
    return result


def run(api: Server, token: str, env: dict[str, str]) -> dict[str, Any]:
    log(f"e2e: {RUNS} x create → join → rtc connected")
    return asyncio.run(_run(api, token, env))
