"""Join throughput: POST /v1/rooms/{room}/participants against two baselines served the same way.

- the **limit** (bench/join_limit.py): the same essential work hand-written on the raw drivers (pyjwt,
  one Redis EVALSHA, one aiomysql SELECT, one upsert, COMMIT, a signed LiveKit token): roomsvc / limit is
  what roomsvc's own code costs;
- the **bare** endpoint (bench/bare_app.py): the framework alone, no work.

Peak: wrk (closed loop) at a few connection counts, the best kept, for each. Latency: vegeta (open loop,
a constant arrival rate whatever the answers' speed, so no coordinated omission) at half of the join's
peak, for the three apps at the same rate. A py-spy profile of the API is taken in a separate wrk run.
:func:`scaling` measures the join and the limit again with N workers (N = cores).
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
    LIMIT_PORT,
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


def create_room(api: Server, token: str) -> str:
    room = f"bench-join-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {token}"}
    created = httpx.post(f"{api.url}/v1/rooms", json={"name": room, "creator": "bench"}, headers=headers)
    created.raise_for_status()
    return room


def run(api: Server, bare: Server, limit: Server, token: str, database_url: str) -> dict[str, Any]:
    room = create_room(api, token)
    headers = {"Authorization": f"Bearer {token}"}
    api_path = f"/v1/rooms/{room}/participants"
    bare_path = f"/bare/rooms/{room}/participants"
    limit_path = f"/limit/rooms/{room}/participants"

    log("join: peak throughput of the bare endpoint (wrk)")
    bare_peak = _peak(bare.url, {"BENCH_PATH": bare_path, "BENCH_PREFIX": "b"})
    log(f"join: bare peak {bare_peak['rps']} req/s; now the physical limit (raw drivers)")
    limit_peak = _peak(limit.url, {"BENCH_PATH": limit_path, "BENCH_TOKEN": token, "BENCH_PREFIX": "l"})
    log(f"join: limit peak {limit_peak['rps']} req/s; now the join endpoint")
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
    json_ct = {"Content-Type": "application/json"}
    targets = {
        "api": (RESULTS / ".join-targets.json", api.url + api_path, json_ct | headers),
        "limit": (RESULTS / ".limit-targets.json", limit.url + limit_path, json_ct | headers),
        "bare": (RESULTS / ".bare-targets.json", bare.url + bare_path, json_ct),
    }
    latencies: dict[str, Any] = {}
    log(f"join: latency at half of peak ({rate} req/s, open loop, vegeta)")
    for name, (path, url, target_headers) in targets.items():
        vegeta_targets(path, url, _bodies(f"v{name[0]}"), target_headers, count)
        latencies[name] = vegeta(path, rate=rate, duration=LATENCY_DURATION)
        path.unlink(missing_ok=True)

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
        "limit_port": LIMIT_PORT,
        "bare_peak": bare_peak,
        "limit_peak": limit_peak,
        "api_peak": api_peak,
        "ratio": round(api_peak["rps"] / bare_peak["rps"], 3),
        "limit_ratio": round(api_peak["rps"] / limit_peak["rps"], 3),
        "limit_bare_ratio": round(limit_peak["rps"] / bare_peak["rps"], 3),
        "latency_rate": rate,
        "latency": latencies["api"],
        "limit_latency": latencies["limit"],
        "bare_latency": latencies["bare"],
        "profile": profile.as_dict() if profile else None,
    }


def scaling(api: Server, limit: Server, token: str, one_worker: dict[str, Any]) -> dict[str, Any]:
    """The join and the limit again, served by ``api.workers`` workers; against the 1-worker peaks."""
    room = create_room(api, token)
    log(f"join: peak with {api.workers} workers, the limit then the join")
    limit_peak = _peak(
        limit.url,
        {"BENCH_PATH": f"/limit/rooms/{room}/participants", "BENCH_TOKEN": token, "BENCH_PREFIX": "L"},
    )
    api_peak = _peak(
        api.url, {"BENCH_PATH": f"/v1/rooms/{room}/participants", "BENCH_TOKEN": token, "BENCH_PREFIX": "P"}
    )
    log(f"join: {api.workers} workers: join {api_peak['rps']} req/s, limit {limit_peak['rps']} req/s")
    one_api, one_limit = one_worker["api_peak"]["rps"], one_worker["limit_peak"]["rps"]
    return {
        "workers": api.workers,
        "api_peak": api_peak,
        "limit_peak": limit_peak,
        "limit_ratio": round(api_peak["rps"] / limit_peak["rps"], 3),
        "scaling": round(api_peak["rps"] / one_api, 2),
        "limit_scaling": round(limit_peak["rps"] / one_limit, 2),
    }
