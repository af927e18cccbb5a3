"""Webhook ingest: signed LiveKit-format events accepted per second, applied per second, ack → visible.

Events (room_started, then participants joining, publishing and unpublishing a track, leaving) for many
rooms are signed beforehand with roomsvc.webhooks.verify.sign_webhook and posted, each once, by wrk.
Throughput counts the rows stored in webhook_events (duplicates from wrk wrapping around are not
counted). The lag from intake to application under that load comes from the rows' own timestamps
(received_at → processed_at); ack → visible when idle is measured by a client that posts one event and
polls the database for its processed_at, one event at a time.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import (
    BENCH,
    RESULTS,
    Server,
    cpu_usage,
    db_counters,
    log,
    per_unit,
    percentile,
    pids_named,
    py_spy,
    wrk,
)

ROOMS = 300
SESSIONS_PER_ROOM = 30  # 1 + 4 x 30 = 121 events per room
DURATION = 10
CONNECTIONS = 32
IDLE_PROBES = 100


def _events(rooms: list[tuple[str, str]], run: str) -> list[bytes]:
    now = int(time.time())
    per_room: list[list[bytes]] = []
    for name, sid in rooms:
        room = {"sid": sid, "name": name, "creationTime": str(now)}
        stream = [{"event": "room_started", "id": f"EV_{run}_{sid}", "createdAt": str(now), "room": room}]
        for n in range(SESSIONS_PER_ROOM):
            participant = {
                "sid": f"PA_{run}_{sid}_{n}",
                "identity": f"user-{n % 10}",
                "name": f"User {n}",
                "joinedAt": str(now),
                "joinedAtMs": str(now * 1000 + n),
                "kind": "STANDARD",
            }
            track = {"sid": f"TR_{run}_{sid}_{n}", "type": "AUDIO", "source": "MICROPHONE"}
            base = {"room": room, "participant": participant, "createdAt": str(now)}
            stream += [
                base | {"event": "participant_joined", "id": f"EV_{run}_{sid}_{n}_j"},
                base | {"event": "track_published", "id": f"EV_{run}_{sid}_{n}_p", "track": track},
                base | {"event": "track_unpublished", "id": f"EV_{run}_{sid}_{n}_u", "track": track},
                base
                | {
                    "event": "participant_left",
                    "id": f"EV_{run}_{sid}_{n}_l",
                    "participant": participant | {"disconnectReason": "CLIENT_INITIATED"},
                },
            ]
        per_room.append([json.dumps(e, separators=(",", ":")).encode() for e in stream])
    # Round-robin across rooms, as a busy LiveKit interleaves them; each room's own order kept.
    out: list[bytes] = []
    for i in range(max(len(s) for s in per_room)):
        out += [s[i] for s in per_room if i < len(s)]
    return out


async def _lag_and_rate(database_url: str, run: str) -> dict[str, Any]:
    engine = create_async_engine(database_url)
    pattern = f"EV\\_{run}\\_%"
    try:
        deadline = time.monotonic() + 300
        async with engine.connect() as connection:
            while True:
                pending = (
                    await connection.execute(
                        text(
                            "SELECT COUNT(*) FROM webhook_events WHERE event_id LIKE :p AND processed_at IS NULL"
                        ),
                        {"p": pattern},
                    )
                ).scalar_one()
                await connection.commit()
                if not pending or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)
            rows = (
                await connection.execute(
                    text(
                        "SELECT received_at, processed_at, outcome FROM webhook_events WHERE event_id LIKE :p"
                    ),
                    {"p": pattern},
                )
            ).all()
    finally:
        await engine.dispose()
    received = [r[0] for r in rows]
    processed = [r[1] for r in rows if r[1] is not None]
    lags = [(r[1] - r[0]).total_seconds() * 1000 for r in rows if r[1] is not None]
    outcomes: dict[str, int] = {}
    for r in rows:
        outcomes[str(r[2])] = outcomes.get(str(r[2]), 0) + 1
    intake_span = (max(received) - min(received)).total_seconds() if received else 0
    apply_span = (max(processed) - min(received)).total_seconds() if processed else 0
    return {
        "stored": len(rows),
        "applied": len(processed),
        "pending_after_drain": len(rows) - len(processed),
        "outcomes": outcomes,
        "intake_span_s": round(intake_span, 2),
        "applied_per_s": round(len(processed) / apply_span, 1) if apply_span else None,
        "lag_p50_ms": round(percentile(lags, 50), 1),
        "lag_p99_ms": round(percentile(lags, 99), 1),
        "lag_max_ms": round(max(lags), 1) if lags else None,
    }


async def _idle_probe(
    api: Server, database_url: str, room: tuple[str, str], secret: str, key: str
) -> dict[str, Any]:
    from roomsvc.webhooks.verify import sign_webhook

    name, sid = room
    engine = create_async_engine(database_url, pool_size=1)
    samples: list[float] = []
    acks: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=api.url) as client, engine.connect() as connection:
            for n in range(IDLE_PROBES):
                event_id = f"EV_probe_{uuid.uuid4().hex}"
                participant = {
                    "sid": f"PA_probe_{n}_{event_id[-8:]}",
                    "identity": f"probe-{n}",
                    "joinedAtMs": str(int(time.time() * 1000)),
                }
                body = json.dumps(
                    {
                        "event": "participant_joined",
                        "id": event_id,
                        "createdAt": str(int(time.time())),
                        "room": {"sid": sid, "name": name},
                        "participant": participant,
                    },
                    separators=(",", ":"),
                ).encode()
                token = sign_webhook(body, api_key=key, api_secret=secret)
                started = time.perf_counter()
                response = await client.post(
                    "/webhooks/livekit",
                    content=body,
                    headers={"Content-Type": "application/webhook+json", "Authorization": token},
                )
                acked = time.perf_counter()
                response.raise_for_status()
                while True:
                    done = (
                        await connection.execute(
                            text("SELECT processed_at IS NOT NULL FROM webhook_events WHERE event_id = :id"),
                            {"id": event_id},
                        )
                    ).scalar_one()
                    await connection.commit()
                    if done:
                        break
                    await asyncio.sleep(0.001)
                samples.append((time.perf_counter() - acked) * 1000)
                acks.append((acked - started) * 1000)
    finally:
        await engine.dispose()
    return {
        "probes": len(samples),
        "ack_p50_ms": round(percentile(acks, 50), 2),
        "ack_to_visible_p50_ms": round(percentile(samples, 50), 2),
        "ack_to_visible_p95_ms": round(percentile(samples, 95), 2),
        "ack_to_visible_max_ms": round(max(samples), 2),
    }


def run(api: Server, bare: Server, token: str, env: dict[str, str]) -> dict[str, Any]:
    from roomsvc.config import load_settings
    from roomsvc.livekit import LiveKitGateway
    from roomsvc.webhooks.verify import sign_webhook

    settings = load_settings(env)
    key, secret = settings.livekit.api_key, settings.livekit.api_secret
    run_id = uuid.uuid4().hex[:8]
    headers = {"Authorization": f"Bearer {token}"}
    log(f"webhooks: creating {ROOMS} rooms for the events")
    rooms: list[tuple[str, str]] = []
    with httpx.Client(base_url=api.url, headers=headers, timeout=30) as client:
        for i in range(ROOMS):
            name = f"bench-wh-{run_id}-{i}"
            response = client.post("/v1/rooms", json={"name": name, "creator": "bench"})
            response.raise_for_status()
            rooms.append((name, response.json()["livekit_sid"]))

    async def forget_in_livekit() -> None:  # the events are synthetic; LiveKit need not keep the rooms
        gateway = LiveKitGateway(settings.livekit)
        try:
            await asyncio.gather(*(gateway.delete_room(name) for name, _ in rooms))
        finally:
            await gateway.aclose()

    asyncio.run(forget_in_livekit())
    bodies = _events(rooms, run_id)
    events_file = RESULTS / ".webhook-events.tsv"
    with events_file.open("w") as out:
        for body in bodies:
            out.write(
                sign_webhook(body, api_key=key, api_secret=secret, ttl=3600) + "\t" + body.decode() + "\n"
            )

    log("webhooks: bare endpoint baseline (wrk)")
    bare_run = wrk(
        bare.url,
        str(BENCH / "lua" / "webhook.lua"),
        connections=CONNECTIONS,
        duration=DURATION,
        env={"BENCH_PATH": "/bare/webhooks", "BENCH_EVENTS": str(events_file)},
    )
    log(f"webhooks: bare {bare_run['rps']} req/s; now {len(bodies)} signed events at the API")
    groups = {"api": api.pids(), "mariadb": pids_named("mariadbd")}
    before = db_counters(settings.database.url)
    with cpu_usage(groups) as cpu:
        api_run = wrk(
            api.url,
            str(BENCH / "lua" / "webhook.lua"),
            connections=CONNECTIONS,
            duration=DURATION,
            env={"BENCH_PATH": "/webhooks/livekit", "BENCH_EVENTS": str(events_file)},
        )
    api_run["cpu_cores"] = cpu
    stored = asyncio.run(_lag_and_rate(settings.database.url, run_id))
    stored["statements_per_event"] = per_unit(before, db_counters(settings.database.url), stored["stored"])
    accepted_per_s = round(min(stored["stored"], api_run["requests"]) / (api_run["duration_us"] / 1e6), 1)
    log(f"webhooks: {accepted_per_s} events/s stored, {stored['applied_per_s']} applied/s")

    log("webhooks: ack → visible, one event at a time")
    idle = asyncio.run(_idle_probe(api, settings.database.url, rooms[0], secret, key))

    log("webhooks: profiling the API under ingest load (py-spy)")
    import threading

    profile_run = uuid.uuid4().hex[:8]
    profile_file = RESULTS / ".webhook-events-profile.tsv"
    with profile_file.open("w") as out:
        for body in _events(rooms[: ROOMS // 2], profile_run):
            out.write(
                sign_webhook(body, api_key=key, api_secret=secret, ttl=3600) + "\t" + body.decode() + "\n"
            )
    load = threading.Thread(
        target=wrk,
        args=(api.url, str(BENCH / "lua" / "webhook.lua")),
        kwargs={
            "connections": CONNECTIONS,
            "duration": 8,
            "env": {"BENCH_PATH": "/webhooks/livekit", "BENCH_EVENTS": str(profile_file)},
        },
    )
    load.start()
    profile = py_spy(api.pids(), 6, RESULTS / "webhook-profile.raw")
    load.join()
    asyncio.run(_lag_and_rate(settings.database.url, profile_run))  # let the backlog drain before moving on
    events_file.unlink(missing_ok=True)
    profile_file.unlink(missing_ok=True)

    return {
        "events_generated": len(bodies),
        "rooms": ROOMS,
        "bare": bare_run,
        "api": api_run,
        "accepted_per_s": accepted_per_s,
        "stored": stored,
        "ratio": round(accepted_per_s / bare_run["rps"], 3),
        "idle": idle,
        "profile": profile.as_dict() if profile else None,
    }
