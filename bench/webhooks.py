"""Webhooks: intake at its peak against its physical limit, a burst applied by `roomsvc jobs`, ack → visible.

Events (room_started, then participants joining, publishing and unpublishing a track, leaving) for many
rooms are signed beforehand with roomsvc.webhooks.verify.sign_webhook and posted, each once.

1. **Intake peak** (wrk, closed loop, appliers stopped so that intake alone is measured): the API, the
   hand-written physical limit (bench/webhook_limit.py: JWT + body hash verified, INSERT IGNORE, COMMIT on
   raw aiomysql, one transaction per event) and the bare POST endpoint, each served by bench/serve.py.
   Throughput counts the rows stored (duplicates from wrk wrapping around are not counted); those rows
   are then marked processed, so that they do not weigh on what follows.
2. **Burst**: 10,000 events over 300 rooms sent open loop (vegeta) at 1,000/s for 10 s to the API while
   a `roomsvc jobs --only webhook-applier` process applies them. From the rows' own timestamps: the intake
   rate, the share of acked events applied within the burst window + 2 s, and the intake → applied lag.
3. **ack → visible at idle**: one event at a time, the client polls for its processed_at.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import (
    BENCH,
    RESULTS,
    ROOT,
    Server,
    cpu_usage,
    db_counters,
    log,
    per_unit,
    percentile,
    pids_named,
    py_spy,
    vegeta,
    wrk,
)

ROOMS = 300
SESSIONS_PER_ROOM = 30  # 1 + 4 x 30 = 121 events per room (the intake peak)
BURST_EVENTS = 10_000
BURST_SECONDS = 10
BURST_SESSIONS = 9  # 1 + 4 x 9 = 37 per room, cut to BURST_EVENTS in all
WINDOW_GRACE = 2.0  # seconds after the burst within which applied/acked is counted
DURATION = 10
CONNECTIONS = 32
IDLE_PROBES = 100
LIMIT_PORT = int(os.environ.get("BENCH_WEBHOOK_LIMIT_PORT", "8103"))


def _events(rooms: list[tuple[str, str]], run: str, sessions: int = SESSIONS_PER_ROOM) -> list[bytes]:
    now = int(time.time())
    per_room: list[list[bytes]] = []
    for name, sid in rooms:
        room = {"sid": sid, "name": name, "creationTime": str(now)}
        stream = [{"event": "room_started", "id": f"EV_{run}_{sid}", "createdAt": str(now), "room": room}]
        for n in range(sessions):
            participant = {
                "sid": f"PA_{run}_{sid}_{n}",
                "identity": f"user-{n % 10}",
                "name": f"User {n}",
                "joinedAt": str(now),
                "joinedAtMs": str(now * 1000 + n),
                "kind": "STANDARD",
                "permission": {"canSubscribe": True, "canPublish": True, "canPublishData": True},
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
    stamped: list[float] = []  # processed_at (the applier's clock) - ack (the client's): same machine
    stages: list[float] = []  # processed_at - received_at: intake's stamp to the applier's
    acks: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=api.url) as client, engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            await raw.autocommit(True)
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
                acked_wall = time.time()
                # Polled on the raw driver every 2 ms (a poll through SQLAlchemy every 1 ms took a good part
                # of a core on a 2-core machine, slowing what it measured). Two figures: when the poll first
                # saw the row applied (an upper bound, up to one poll late), and the applying transaction's
                # own processed_at (stamped just before its COMMIT: a lower bound).
                while True:
                    async with raw.cursor() as cursor:
                        await cursor.execute(
                            "SELECT processed_at, received_at FROM webhook_events WHERE event_id = %s",
                            (event_id,),
                        )
                        processed_at, received_at = await cursor.fetchone()
                    if processed_at is not None:
                        break
                    await asyncio.sleep(0.002)
                samples.append((time.perf_counter() - acked) * 1000)
                stamped.append((processed_at.replace(tzinfo=dt.UTC).timestamp() - acked_wall) * 1000)
                stages.append((processed_at - received_at).total_seconds() * 1000)
                acks.append((acked - started) * 1000)
    finally:
        await engine.dispose()
    return {
        "probes": len(samples),
        "ack_p50_ms": round(percentile(acks, 50), 2),
        "ack_to_visible_p50_ms": round(percentile(samples, 50), 2),
        "ack_to_visible_p95_ms": round(percentile(samples, 95), 2),
        "ack_to_visible_max_ms": round(max(samples), 2),
        "ack_to_processed_at_p50_ms": round(percentile(stamped, 50), 2),
        "ack_to_processed_at_p95_ms": round(percentile(stamped, 95), 2),
        "received_to_processed_p50_ms": round(percentile(stages, 50), 2),
        "received_to_processed_p95_ms": round(percentile(stages, 95), 2),
    }


def _signed_file(path: Any, bodies: list[bytes], key: str, secret: str) -> None:
    from roomsvc.webhooks.verify import sign_webhook

    with path.open("w") as out:
        for body in bodies:
            out.write(
                sign_webhook(body, api_key=key, api_secret=secret, ttl=3600) + "\t" + body.decode() + "\n"
            )


def _vegeta_file(path: Any, url: str, bodies: list[bytes], key: str, secret: str) -> None:
    from roomsvc.webhooks.verify import sign_webhook

    with path.open("w") as out:
        for body in bodies:
            header = {
                "Content-Type": ["application/webhook+json"],
                "Authorization": [sign_webhook(body, api_key=key, api_secret=secret, ttl=3600)],
            }
            target = {"method": "POST", "url": url, "body": base64.b64encode(body).decode(), "header": header}
            out.write(json.dumps(target) + "\n")


async def _stored_count(database_url: str, prefix: str) -> int:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(
                (
                    await connection.execute(
                        text("SELECT COUNT(*) FROM webhook_events WHERE event_id LIKE :p"), {"p": prefix}
                    )
                ).scalar_one()
            )
    finally:
        await engine.dispose()


async def _set_aside(database_url: str, prefix: str) -> None:
    """Rows of an intake-only run: marked processed, so that the appliers never spend time on them."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE webhook_events SET processed_at = NOW(6), outcome = 'bench-intake-only' "
                    "WHERE event_id LIKE :p AND processed_at IS NULL"
                ),
                {"p": prefix},
            )
    finally:
        await engine.dispose()


async def _burst_figures(database_url: str, run: str) -> dict[str, Any]:
    stored = await _lag_and_rate(database_url, run)  # waits for the backlog to drain
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT received_at, processed_at FROM webhook_events WHERE event_id LIKE :p"),
                    {"p": f"EV\\_{run}\\_%"},
                )
            ).all()
    finally:
        await engine.dispose()
    if not rows:
        return stored
    first = min(r[0] for r in rows)
    last = max(r[0] for r in rows)
    window_end = first.timestamp() + BURST_SECONDS + WINDOW_GRACE
    in_window = sum(1 for r in rows if r[1] is not None and r[1].timestamp() <= window_end)
    span = (last - first).total_seconds()
    return stored | {
        "acked": len(rows),
        "intake_per_s": round(len(rows) / span, 1) if span else None,
        "applied_in_window": in_window,
        "applied_ratio": round(in_window / len(rows), 3),
    }


class Appliers:
    """`roomsvc jobs --only webhook-applier` for the burst (the API stores and acks; this applies)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Appliers:
        log_file = (RESULTS / "webhook-appliers.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "roomsvc", "jobs", "--only", "webhook-applier"],
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while b"scheduler.started" not in (RESULTS / "webhook-appliers.log").read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"roomsvc jobs did not start; see {RESULTS / 'webhook-appliers.log'}")
            time.sleep(0.2)
        time.sleep(1.0)  # subscribed to the wake-ups
        return self

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def run(api: Server, bare: Server, token: str, env: dict[str, str]) -> dict[str, Any]:
    from roomsvc.config import load_settings
    from roomsvc.livekit import LiveKitGateway

    settings = load_settings(env)
    key, secret = settings.livekit.api_key, settings.livekit.api_secret
    url = settings.database.url
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
    process_env = dict(env) | {"PYTHONPATH": str(ROOT)}

    # 1. Intake peak: roomsvc, the physical limit, the bare endpoint (no appliers running).
    peak_run, limit_run_id = f"P{run_id}", f"L{run_id}"
    peak_file, limit_file = RESULTS / ".webhook-events.tsv", RESULTS / ".webhook-limit-events.tsv"
    _signed_file(peak_file, _events(rooms, peak_run), key, secret)
    _signed_file(limit_file, _events(rooms, limit_run_id), key, secret)
    script = str(BENCH / "lua" / "webhook.lua")
    log("webhooks: bare endpoint baseline (wrk)")
    bare_run = wrk(
        bare.url,
        script,
        connections=CONNECTIONS,
        duration=DURATION,
        env={"BENCH_PATH": "/bare/webhooks", "BENCH_EVENTS": str(peak_file)},
    )
    with Server("bench.webhook_limit:create_app", LIMIT_PORT, process_env, "webhook-limit") as limit:
        log("webhooks: physical limit (raw aiomysql, one commit per event)")
        groups = {"limit": limit.pids(), "mariadb": pids_named("mariadbd")}
        with cpu_usage(groups) as limit_cpu:
            limit_wrk = wrk(
                limit.url,
                script,
                connections=CONNECTIONS,
                duration=DURATION,
                env={"BENCH_PATH": "/limit/webhooks", "BENCH_EVENTS": str(limit_file)},
            )
    limit_wrk["cpu_cores"] = limit_cpu
    limit_stored = asyncio.run(_stored_count(url, f"EV\\_{limit_run_id}\\_%"))
    asyncio.run(_set_aside(url, f"EV\\_{limit_run_id}\\_%"))
    limit_per_s = round(min(limit_stored, limit_wrk["requests"]) / (limit_wrk["duration_us"] / 1e6), 1)

    log("webhooks: roomsvc intake peak (wrk)")
    groups = {"api": api.pids(), "mariadb": pids_named("mariadbd")}
    before = db_counters(url)
    with cpu_usage(groups) as cpu:
        api_run = wrk(
            api.url,
            script,
            connections=CONNECTIONS,
            duration=DURATION,
            env={"BENCH_PATH": "/webhooks/livekit", "BENCH_EVENTS": str(peak_file)},
        )
    api_run["cpu_cores"] = cpu
    peak_stored = asyncio.run(_stored_count(url, f"EV\\_{peak_run}\\_%"))
    intake_statements = per_unit(before, db_counters(url), peak_stored)
    asyncio.run(_set_aside(url, f"EV\\_{peak_run}\\_%"))
    accepted_per_s = round(min(peak_stored, api_run["requests"]) / (api_run["duration_us"] / 1e6), 1)
    log(f"webhooks: intake {accepted_per_s} events/s stored; limit {limit_per_s}; bare {bare_run['rps']}")

    # 2. The burst, applied by roomsvc jobs.
    burst = _events(rooms, run_id, BURST_SESSIONS)[:BURST_EVENTS]
    targets = RESULTS / ".webhook-burst.targets"
    _vegeta_file(targets, api.url + settings.webhook_path, burst, key, secret)
    with Appliers(process_env) as appliers:
        assert appliers.process is not None
        jobs_pid = [appliers.process.pid]
        groups = {"api": api.pids(), "jobs": jobs_pid, "mariadb": pids_named("mariadbd")}
        log(
            f"webhooks: burst of {len(burst)} events at {len(burst) // BURST_SECONDS}/s, roomsvc jobs applying"
        )
        profile_box: dict[str, Any] = {}
        spy = threading.Thread(
            target=lambda: profile_box.update(
                profile=py_spy(jobs_pid, BURST_SECONDS - 2, RESULTS / "webhook-appliers-profile.raw")
            )
        )
        before = db_counters(url)
        with cpu_usage(groups) as burst_cpu:
            spy.start()
            sent = vegeta(targets, rate=len(burst) // BURST_SECONDS, duration=BURST_SECONDS)
            figures = asyncio.run(_burst_figures(url, run_id))
            spy.join()
        figures["statements_per_event"] = per_unit(before, db_counters(url), figures.get("stored") or 1)
        log(
            f"webhooks: burst applied/acked within {BURST_SECONDS + WINDOW_GRACE:g} s "
            f"{figures.get('applied_ratio')}, lag p99 {figures.get('lag_p99_ms')} ms"
        )
        log("webhooks: ack → visible, one event at a time")
        idle = asyncio.run(_idle_probe(api, url, rooms[0], secret, key))
    for path in (peak_file, limit_file, targets):
        path.unlink(missing_ok=True)
    profile = profile_box.get("profile")
    return {
        "events_generated": len(burst),
        "rooms": ROOMS,
        "bare": bare_run,
        "limit": limit_wrk | {"stored_per_s": limit_per_s},
        "api": api_run,
        "accepted_per_s": accepted_per_s,
        "intake_statements_per_event": intake_statements,
        "ratio": round(accepted_per_s / max(limit_per_s, 0.1), 3),
        "ratio_bare": round(accepted_per_s / bare_run["rps"], 3),
        "burst": {"sent": sent, "cpu_cores": burst_cpu, **figures},
        "stored": figures,
        "idle": idle,
        "profile": profile.as_dict() if profile else None,
    }
