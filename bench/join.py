"""Join throughput: POST /v1/rooms/{room}/participants against a bare Litestar endpoint served the same way.

Peak: wrk (closed loop) at a few connection counts, the best kept, for both. Latency: vegeta (open loop,
a constant arrival rate whatever the answers' speed, so no coordinated omission) at half of the join's
peak, for both apps at the same rate. A py-spy profile of the API is taken in a separate wrk run.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import httpx

from bench.common import (
    BARE_PORT,
    BENCH,
    RESULTS,
    Server,
    cpu_usage,
    db_counters,
    log,
    per_unit,
    pids_named,
    py_spy,
    vegeta,
    vegeta_targets,
    wrk,
)

CONNECTIONS = (16, 64)
DURATION = 8
LATENCY_DURATION = 10


def _bodies(prefix: str) -> Iterator[bytes]:
    for n in itertools.count():
        yield f'{{"identity":"{prefix}-{n}"}}'.encode()


def _peak(url: str, env: dict[str, str]) -> dict[str, Any]:
    runs = [
        wrk(url, str(BENCH / "lua" / "join.lua"), connections=c, duration=DURATION, env=env)
        for c in CONNECTIONS
    ]
    best = max(runs, key=lambda r: r["rps"])
    best["all_runs"] = [{"requests": r["requests"]} for r in runs]
    best["runs"] = [{k: r[k] for k in ("connections", "rps", "non_2xx", "errors")} for r in runs]
    return best


def run(api: Server, bare: Server, token: str, database_url: str) -> dict[str, Any]:
    room = f"bench-join-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {token}"}
    created = httpx.post(f"{api.url}/v1/rooms", json={"name": room, "creator": "bench"}, headers=headers)
    created.raise_for_status()
    api_path = f"/v1/rooms/{room}/participants"
    bare_path = f"/bare/rooms/{room}/participants"

    log("join: peak throughput of the bare endpoint (wrk)")
    bare_peak = _peak(bare.url, {"BENCH_PATH": bare_path, "BENCH_PREFIX": "b"})
    log(f"join: bare peak {bare_peak['rps']} req/s; now the join endpoint")
    groups = {"api": api.pids(), "mariadb": pids_named("mariadbd"), "redis": pids_named("redis-server")}
    before = db_counters(database_url)
    with cpu_usage(groups) as cpu:
        api_peak = _peak(api.url, {"BENCH_PATH": api_path, "BENCH_TOKEN": token, "BENCH_PREFIX": "p"})
    api_peak["cpu_cores"] = cpu
    total = sum(r["requests"] for r in api_peak["all_runs"])
    api_peak["statements_per_request"] = per_unit(before, db_counters(database_url), total)
    log(f"join: peak {api_peak['rps']} req/s ({api_peak['non_2xx']} non-2xx)")

    rate = max(1, int(api_peak["rps"] / 2))
    count = rate * LATENCY_DURATION + 100
    targets_api, targets_bare = RESULTS / ".join-targets.json", RESULTS / ".bare-targets.json"
    json_ct = {"Content-Type": "application/json"}
    vegeta_targets(targets_api, api.url + api_path, _bodies("v"), json_ct | headers, count)
    vegeta_targets(targets_bare, bare.url + bare_path, _bodies("v"), json_ct, count)
    log(f"join: latency at half of peak ({rate} req/s, open loop, vegeta)")
    latency = vegeta(targets_api, rate=rate, duration=LATENCY_DURATION)
    bare_latency = vegeta(targets_bare, rate=rate, duration=LATENCY_DURATION)
    targets_api.unlink(missing_ok=True)
    targets_bare.unlink(missing_ok=True)

    log("join: profiling the API under peak load (py-spy)")
    profile = None
    import threading

    load = threading.Thread(
        target=wrk,
        args=(api.url, str(BENCH / "lua" / "join.lua")),
        kwargs={
            "connections": CONNECTIONS[-1],
            "duration": DURATION,
            "env": {"BENCH_PATH": api_path, "BENCH_TOKEN": token, "BENCH_PREFIX": "s"},
        },
    )
    load.start()
    profile = py_spy(api.pids(), DURATION - 2, RESULTS / "join-profile.raw")
    load.join()

    return {
        "room": room,
        "bare_port": BARE_PORT,
        "bare_peak": bare_peak,
        "api_peak": api_peak,
        "ratio": round(api_peak["rps"] / bare_peak["rps"], 3),
        "latency_rate": rate,
        "latency": latency,
        "bare_latency": bare_latency,
        "profile": profile.as_dict() if profile else None,
    }
