"""schemathesis against /schema/openapi.json with a valid caller token: no 5xx, answers match the document.

An API process of its own (port 8102, the test database, rate limits lifted so that fuzzing is not all
429s) serves the fuzzer, next to a jobs process that disables a subscription after one failed delivery
(so that enabling one can succeed) and the suite's API on port 8000, which applies LiveKit's webhooks
(so that the rooms the fuzzer creates have calls). The fuzzed API takes the dev credential as the
detection worker's too (ROOMSVC_WORKER_CREDENTIAL_ID), so the fuzzer's token reaches the worker's
endpoints past their guard. tests/integration/fuzz_hooks.py gives each valid room name (and model
version) a unique suffix, so that creations create, and points scored windows at registered models and
at tracks of their own room; it also aims the first few positive cases of each operation that consumes
state (a seat to kick, a pending invitation, a joined participant, ...) at state it prepares for them,
so that whether those operations reach a 2xx is not left to a random walk (its preparing requests are
left out of the table below). Every documented operation gets generated requests (a fixed seed, so a
run is repeatable) in all four phases: examples, coverage, fuzzing, and the stateful phase, which follows the
document's OpenAPI links (POST /v1/rooms → the room's participants, seats, moderation and detection;
a join → the participant's moderation; invitations → accept/decline/revoke; a room with detection on
→ the worker's config, heartbeat and windows; ...). Each answer is
checked: never a server error, a documented status code, content type, headers and body.

Two budgets (``ROOMSVC_FUZZ_PROFILE``): ``ci`` (the default, part of ``make test``) and ``release``
(``make fuzz``: many more examples and stateful steps). Both fail on any schemathesis failure, on a 5xx
in the server's log, and on the "schema validation mismatch" warning (the document promising less
validation than the server applies). Both print a table of the operations and the statuses the server
answered them with (from its own request log) to stdout and ``artifacts/fuzz-operations.txt``; the
release profile also fails when an operation that can succeed never reached a 2xx.

Left out: /v1/events/stream (an endless Server-Sent Events stream). Never 2xx with the caller token:
the LiveKit webhook receiver (LiveKit signs its own requests).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from roomsvc.db import create_engine, create_session_factory
from tests.conftest import ARTIFACTS, PLATFORM_CREDENTIAL_ID, ROOT, add_platform_credential
from tests.integration.fuzz_hooks import FIXTURE_REQUEST_ID
from tests.stack import JobsProcess, create_isolated_database, drop_database

PORT = 8102
SEED = 20261123


@dataclass(frozen=True)
class Budget:
    max_examples: int  # per operation, in the examples, coverage and fuzzing phases
    scenarios: int  # stateful phase: sequences of linked calls
    steps: int  # the most calls in one scenario
    max_time: int | None = None  # seconds: fuzzing and stateful phases repeat until it is spent

    def config(self) -> str:
        return (
            f"[generation]\nmax-examples = {self.max_examples}\n"
            f"[phases.stateful]\nmax-steps = {self.steps}\n"
            f"[phases.stateful.generation]\nmax-examples = {self.scenarios}\n"
        )


PROFILES = {
    "ci": Budget(max_examples=8, scenarios=40, steps=15),
    "release": Budget(max_examples=50, scenarios=600, steps=30, max_time=300),
}
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
EXCLUDED = {("GET", "/v1/events/stream")}
# Operations no caller credential can complete (see the module docstring).
NEVER_2XX = {("POST", "/webhooks/livekit")}
METHODS = ("get", "put", "post", "delete", "patch")


def _profile() -> tuple[str, Budget]:
    name = os.environ.get("ROOMSVC_FUZZ_PROFILE", "ci")
    if name not in PROFILES:
        raise pytest.UsageError(f"ROOMSVC_FUZZ_PROFILE={name!r}; choose one of {', '.join(PROFILES)}")
    return name, PROFILES[name]


async def _fuzz_database(migrated_db: str, stack_env: dict[str, str], settings: Any) -> str:
    """A fresh copy of the migrated database, with the operator credential the fuzzer's token is of."""
    url = await create_isolated_database(migrated_db, stack_env)
    engine = create_engine(dataclasses.replace(settings.database, url=url))
    try:
        await add_platform_credential(create_session_factory(engine), settings)
    finally:
        await engine.dispose()
    return url


@pytest.fixture(scope="module")
def fuzz_server(api_server: str, stack_env: dict[str, str], settings: Any, migrated_db: str) -> Iterator[str]:
    """The fuzzed API, on a database of its own: what the fuzzer registers and activates (detection
    models named ``0``, subscriptions, rooms) must not be what a later test of the suite finds. LiveKit
    posts the webhooks of the fuzzer's rooms to `api_server`, which holds no such room and ignores them."""
    database = asyncio.run(_fuzz_database(migrated_db, stack_env, settings))
    env = stack_env | {
        "DATABASE_URL": database,
        "ROOMSVC_PORT": str(PORT),
        "ROOMSVC_RATE_LIMITS": "default=100000/100000,rooms:write=100000/100000",
    }
    # The fuzzer's token (an operator credential: every scope, `platform` included, acting in project
    # `default`) is also the detection worker: the worker's endpoints then answer it as they answer the
    # worker, instead of 403 `worker-only` before any check; and the model registry's writes accept it.
    worker = {"ROOMSVC_WORKER_CREDENTIAL_ID": PLATFORM_CREDENTIAL_ID}
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "fuzz-api.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "roomsvc", "serve"], env=env | worker, stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{PORT}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the fuzzing API did not start; see artifacts/fuzz-api.log")
            time.sleep(0.2)
        # Event delivery, so that a subscription to an unreachable URL gets disabled after one failure and
        # `POST …/enable` has something to enable.
        jobs = JobsProcess(
            env | {"ROOMSVC_DELIVERY_DISABLE_AFTER": "1", "ROOMSVC_EVENT_TIMEOUT": "2"}, "fuzz"
        )
        jobs.start()
        yield url
        jobs.stop()
        process.terminate()
        process.wait(10)
    asyncio.run(drop_database(database))


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item and (method.upper(), path) not in EXCLUDED
    ]


def answered(log: Path) -> dict[tuple[str, str], Counter[int]]:
    """(method, route template) → status → count, from the API's canonical request log lines."""
    statuses: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if str(entry.get("request_id", "")).startswith(FIXTURE_REQUEST_ID):
            continue  # fuzz_hooks preparing state, not the fuzzer
        if entry.get("event") == "http.request" and entry.get("route"):
            statuses[(entry["method"], entry["route"])][int(entry["status"])] += 1
    return statuses


def table(ops: list[tuple[str, str]], statuses: dict[tuple[str, str], Counter[int]]) -> str:
    def count(op: tuple[str, str], low: int) -> int:
        return sum(n for status, n in statuses.get(op, Counter()).items() if low <= status < low + 100)

    lines = [f"{'2xx':>5} {'4xx':>5} {'5xx':>4}  operation  (statuses)"]
    for op in sorted(ops, key=lambda o: (o[1], o[0])):
        seen = ", ".join(f"{s}:{n}" for s, n in sorted(statuses.get(op, Counter()).items()))
        lines.append(
            f"{count(op, 200):>5} {count(op, 400):>5} {count(op, 500):>4}  {op[0]} {op[1]}  ({seen})"
        )
    reached = [op for op in ops if count(op, 200)]
    lines.append(f"{len(reached)} of {len(ops)} operations reached a 2xx")
    return "\n".join(lines)


@pytest.mark.timeout(900)  # the release budget runs for minutes (pyproject's default is for one test)
def test_api_conforms_to_its_openapi_document(fuzz_server: str, platform_token: str, settings: Any) -> None:
    """The schemathesis CLI (its pytest plugin does not load under pytest 9) with a fixed seed."""
    profile, budget = _profile()
    report = ARTIFACTS / "schemathesis.txt"
    json_report = ARTIFACTS / "schemathesis-report.json"
    config = ARTIFACTS / "schemathesis.toml"
    config.write_text(budget.config())
    log = ARTIFACTS / "fuzz-api.log"
    log_start = log.stat().st_size
    token = platform_token
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(config),
        "run",
        f"{fuzz_server}/schema/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--header",
        "Roomsvc-Project: default",
        "--checks",
        ",".join(CHECKS),
        *[arg for method, path in EXCLUDED for arg in ("--exclude-path", path)],
        "--seed",
        str(SEED),
        "--request-timeout",
        "30",
        "--workers",
        "1",  # two threads hit CPython 3.11's "AST constructor recursion depth mismatch" in hypothesis
        "--generation-database",
        ":memory:",  # leave no example database in the work tree
        "--report",
        "json",
        "--report-json-path",
        str(json_report),
        "--no-color",
        *(["--max-time", str(budget.max_time)] if budget.max_time else []),
        *shlex.split(
            os.environ.get("ROOMSVC_FUZZ_ARGS", "")
        ),  # e.g. --include-path-regex /seats --report vcr
    ]
    started = time.monotonic()
    # In artifacts/: schemathesis keeps a crash cache (.schemathesis/) in its working directory.
    hooks = {
        "SCHEMATHESIS_HOOKS": "tests.integration.fuzz_hooks",
        "PYTHONPATH": str(ROOT),
        # Where and as whom fuzz_hooks prepares the state its first cases of some operations aim at.
        "ROOMSVC_FUZZ_URL": fuzz_server,
        "ROOMSVC_FUZZ_TOKEN": token,
        # fuzz_hooks stores a real recording file for `GET …/file` through the storage the fuzzed API
        # reads: the same settings, but the hooks run in artifacts/, so a relative local directory (the
        # default `.run/recordings`) is made absolute here, as the API process (started here) resolves it.
        "ROOMSVC_RECORDING_DIR": str(Path(settings.recording_storage.directory).absolute()),
    }
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=3000,
        check=False,
        cwd=ARTIFACTS,
        env=os.environ | hooks,
    )
    elapsed = time.monotonic() - started
    report.write_text(result.stdout + result.stderr)

    document = httpx.get(f"{fuzz_server}/schema/openapi.json").json()
    ops = operations(document)
    with log.open("rb") as handle:
        handle.seek(log_start)
        fresh = ARTIFACTS / "fuzz-api.run.log"
        fresh.write_bytes(handle.read())
    statuses = answered(fresh)
    tested = re.search(r"(\d+) generated", result.stdout)
    summary_table = (
        f"schemathesis, profile {profile} ({budget}), seed {SEED}: "
        f"{tested.group(1) if tested else '?'} test cases in {elapsed:.0f} s\n" + table(ops, statuses)
    )
    (ARTIFACTS / "fuzz-operations.txt").write_text(summary_table + "\n")
    print("\n" + summary_table)

    summary = result.stdout[-6000:]
    assert "Tested:" in result.stdout, summary  # it ran against the document
    assert result.returncode == 0, f"schemathesis found failures (full output: {report}):\n{summary}"
    server_errors = {op: c for op, c in statuses.items() if any(s >= 500 for s in c)}
    assert not server_errors, f"server errors (see {fresh}): {server_errors}"
    mismatch = (json.loads(json_report.read_text()).get("warnings") or {}).get("validation_mismatch")
    assert not mismatch, (
        f"the document promises less validation than the server applies: {mismatch}\n{summary}"
    )
    if profile == "release":
        never = [
            op for op in ops if op not in NEVER_2XX and not any(200 <= s < 300 for s in statuses.get(op, ()))
        ]
        assert not never, f"operations that never reached a 2xx: {never}\n{summary_table}"
