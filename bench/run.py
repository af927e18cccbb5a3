"""`make bench`: every benchmark, one after another, then docs/benchmarks.md.

Expects the stack's services (MariaDB, Redis, LiveKit) running and the dev database migrated, which
`scripts/stack.sh up` (run by `make bench` first) guarantees. The API under test runs on BENCH_API_PORT
(8100) against the dev database, so it never collides with the test suite's API on 8000; the bare
baseline app runs on BENCH_BARE_PORT (8101) and the join's physical limit (bench/join_limit.py) on
BENCH_LIMIT_PORT (8102). All use BENCH_WORKERS workers (1); the join is then measured again with one worker
per core. Results: bench/results/*.json and docs/benchmarks.md.

    .venv/bin/python bench/run.py [--only tokens,join,webhooks,e2e,detection,recording]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import report
from bench.common import (
    API_PORT,
    BARE_PORT,
    BENCH,
    LIMIT_PORT,
    RESULTS,
    ROOT,
    UNLIMITED,
    WORKERS,
    Server,
    dev_caller_token,
    load_env,
    log,
    machine,
)

ALL = ("tokens", "join", "webhooks", "e2e", "detection", "recording")


def detection(env: dict[str, str]) -> dict[str, Any] | None:
    return script_result("detection", "detection.py", env)


def recording(env: dict[str, str]) -> dict[str, Any] | None:
    return script_result("recording", "recording_cpu.py", env)


def script_result(name: str, filename: str, env: dict[str, str]) -> dict[str, Any] | None:
    """Run a benchmark that is its own script (``--out`` JSON); None when the script is not there."""
    script = BENCH / filename
    if not script.exists():
        return None
    out = RESULTS / f"{name}.json"
    log(f"{name}: bench/{filename}")
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(script), "--out", str(out)],
        env=env,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0 or not out.exists():
        return {"error": f"bench/{filename} exited with {result.returncode}"}
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=",".join(ALL), help="comma-separated subset of " + ", ".join(ALL))
    args = parser.parse_args()
    selected = [s.strip() for s in args.only.split(",") if s.strip()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = load_env()
    server_env = env | {
        "ROOMSVC_PORT": str(API_PORT),
        "ROOMSVC_PUBLIC_URL": f"http://127.0.0.1:{API_PORT}",
        "ROOMSVC_RATE_LIMITS": UNLIMITED,
        "ROOMSVC_LOG_JSON": "true",
        "PYTHONPATH": str(ROOT),
    }
    for key, value in server_env.items():  # the in-process parts (settings, tokens) see the same
        if key != "PYTHONPATH":
            env[key] = value

    results: dict[str, Any] = {
        "machine": machine(),
        "workers": WORKERS,
        "api_port": API_PORT,
        "bare_port": BARE_PORT,
    }
    started = time.monotonic()
    if "tokens" in selected:
        from bench import tokens

        log("tokens: in-process minting")
        results["tokens"] = tokens.run()
    if {"join", "webhooks", "e2e"} & set(selected):
        from roomsvc.config import load_settings

        token = dev_caller_token(env)
        with (
            Server("roomsvc.app:create_app", API_PORT, server_env, "api") as api,
            Server("bench.bare_app:create_app", BARE_PORT, server_env, "bare") as bare,
            Server("bench.join_limit:create_app", LIMIT_PORT, server_env, "limit") as limit,
        ):
            if "join" in selected:
                from bench import join

                results["join"] = join.run(api, bare, limit, token, load_settings(env).database.url)
            if "webhooks" in selected:
                from bench import webhooks

                results["webhooks"] = webhooks.run(api, bare, token, env)
            if "e2e" in selected:
                from bench import e2e_join

                results["e2e"] = e2e_join.run(api, token, env)
    cores = os.cpu_count() or 1
    if "join" in selected and cores > WORKERS and "error" not in results.get("join", {}):
        # Workers = cores (the default of `roomsvc serve`): the join and its limit again, N workers each.
        from bench import join

        with (
            Server("roomsvc.app:create_app", API_PORT, server_env, "api-n", workers=cores) as api_n,
            Server(
                "bench.join_limit:create_app", LIMIT_PORT, server_env, "limit-n", workers=cores
            ) as limit_n,
        ):
            results["join_scaling"] = join.scaling(api_n, limit_n, token, results["join"])
    if "detection" in selected:
        results["detection"] = detection(env)
    if "recording" in selected:
        results["recording"] = recording(env)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2, default=str))
    path = report.write(results)
    log(f"done in {results['elapsed_s']} s: {path.relative_to(ROOT)} and bench/results/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
