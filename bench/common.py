"""Shared plumbing of the benchmarks: settings, servers, load tools (wrk, vegeta), CPU and profiles.

Every figure is measured against a baseline taken in the same run on the same machine, because these
machines are noisy: the ratio is what is comparable between runs, the absolute numbers describe this one.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = sys.executable
API_PORT = int(os.environ.get("BENCH_API_PORT", "8100"))
BARE_PORT = int(os.environ.get("BENCH_BARE_PORT", "8101"))
LIMIT_PORT = int(os.environ.get("BENCH_LIMIT_PORT", "8102"))  # bench/join_limit.py, the join's physical limit
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
# The rate limiter still runs (its Redis round trip is part of the measured path); it just never refuses.
UNLIMITED = "default=1000000/1000000,rooms:write=1000000/1000000"


def log(message: str) -> None:
    print(f"==> {message}", flush=True)


def load_env() -> dict[str, str]:
    """As scripts/stack.sh: .env.example, then .env, then the caller's environment (which wins)."""
    env: dict[str, str] = {}
    for name in (".env.example", ".env"):
        path = ROOT / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            match = re.match(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line.strip())
            if match:
                value = match.group(2).strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                env[match.group(1)] = value
    return env | dict(os.environ)


def dev_caller_token(env: Mapping[str, str]) -> str:
    """A caller JWT of the dev credential with every scope, living as long as caller tokens may."""
    from roomsvc.auth import mint_caller_token
    from roomsvc.config import load_settings
    from roomsvc.credentials.service import ALL_SCOPES

    auth = load_settings(dict(env)).caller_auth
    return mint_caller_token(
        credential_id=auth.dev_credential_id,
        secret=auth.dev_credential_secret,
        audience=auth.audience,
        scopes=list(ALL_SCOPES),
        ttl=auth.max_ttl,
    )


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kib = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Server:
    """An ASGI app factory served by bench/serve.py (the uvicorn options of `roomsvc serve`)."""

    factory: str
    port: int
    env: Mapping[str, str]
    name: str
    process: subprocess.Popen[bytes] | None = None
    workers: int = WORKERS

    def __enter__(self) -> Server:
        if port_open(self.port):
            raise SystemExit(f"port {self.port} is in use; set BENCH_API_PORT/BENCH_BARE_PORT to free ones")
        RESULTS.mkdir(parents=True, exist_ok=True)
        log_file = (RESULTS / f"{self.name}-server.log").open("wb")
        command = [PYTHON, str(BENCH / "serve.py"), self.factory, "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, env=dict(self.env), stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} server exited; see {RESULTS / (self.name + '-server.log')}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.2)
        raise SystemExit(f"{self.name} server did not answer on {self.url}")

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The serving processes: the uvicorn process itself, or its workers when there are several."""
        assert self.process is not None
        children = _children(self.process.pid)
        return children or [self.process.pid]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                cmdline = (entry / "cmdline").read_bytes()
                if b"multiprocessing" in cmdline or b"serve.py" in cmdline or b"python" in cmdline:
                    found.append(int(entry.name))
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
    return found


@contextlib.contextmanager
def cpu_usage(groups: Mapping[str, list[int]]) -> Iterator[dict[str, float]]:
    """Cores used on average by each group of processes while the block runs (1.0 = one core busy)."""
    before = {name: sum(_cpu_seconds(p) for p in pids) for name, pids in groups.items()}
    busy_before = _machine_busy()
    started = time.monotonic()
    result: dict[str, float] = {}
    yield result
    wall = time.monotonic() - started
    for name, pids in groups.items():
        result[name] = round((sum(_cpu_seconds(p) for p in pids) - before[name]) / wall, 2)
    result["whole machine"] = round((_machine_busy() - busy_before) / wall, 2)


def _machine_busy() -> float:
    """CPU seconds spent busy (not idle or iowait) by all cores since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


# --- wrk ------------------------------------------------------------------------------------------

DONE_LUA = (BENCH / "lua" / "done.lua").read_text() if (BENCH / "lua" / "done.lua").exists() else ""


def wrk(url: str, script: str, *, connections: int, duration: int, env: Mapping[str, str]) -> dict[str, Any]:
    """Closed-loop peak throughput with wrk (Debian's); the script's done() prints a JSON summary."""
    combined = RESULTS / f".{Path(script).stem}.wrk.lua"
    combined.write_text(Path(script).read_text() + "\n" + DONE_LUA)
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(combined),
        url,
    ]
    output = subprocess.run(
        command, env=dict(os.environ) | dict(env), capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("WRKJSON "))
    summary: dict[str, Any] = json.loads(line[len("WRKJSON ") :])
    seconds = summary["duration_us"] / 1e6
    summary["rps"] = round(summary["requests"] / seconds, 1)
    summary["non_2xx"] = summary["status"]
    summary["errors"] = summary["connect"] + summary["read"] + summary["write"] + summary["timeout"]
    summary["connections"] = connections
    return summary


# --- vegeta: open-loop constant rate --------------------------------------------------------------


def vegeta_binary() -> str | None:
    """vegeta on PATH, or built once with Go into the cache (as scripts/stack.sh builds livekit-server)."""
    found = shutil.which("vegeta")
    if found:
        return found
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "roomsvc" / "bin"
    binary = cache / "vegeta"
    if binary.exists():
        return str(binary)
    go = os.environ.get("GO") or shutil.which("go") or "/usr/local/go/bin/go"
    if not Path(go).exists() and not shutil.which(go):
        return None
    log("building vegeta v12.12.0 with Go (once; cached in ~/.cache/roomsvc/bin)")
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [go, "install", "github.com/tsenart/vegeta/v12@v12.12.0"],
        env=dict(os.environ) | {"GOBIN": str(cache), "GOTOOLCHAIN": "local"},
        check=False,
    )
    return str(binary) if result.returncode == 0 and binary.exists() else None


def vegeta(targets: Path, *, rate: int, duration: int) -> dict[str, Any]:
    """Requests at ``rate``/s whatever the answers' speed (no coordinated omission); latency percentiles."""
    binary = vegeta_binary()
    if binary is None:
        return {"skipped": "vegeta is not available and Go could not build it"}
    attack = subprocess.Popen(
        [
            binary,
            "attack",
            "-format=json",
            "-lazy",
            f"-targets={targets}",
            f"-rate={rate}/s",
            f"-duration={duration}s",
            "-timeout=10s",
            "-max-workers=2000",
        ],
        stdout=subprocess.PIPE,
    )
    report = subprocess.run(
        [binary, "report", "-type=json"], stdin=attack.stdout, capture_output=True, text=True, check=True
    )
    attack.wait()
    raw = json.loads(report.stdout)
    ms = {k: round(v / 1e6, 2) for k, v in raw["latencies"].items()}
    return {
        "rate": rate,
        "duration_s": duration,
        "requests": raw["requests"],
        "achieved_rps": round(raw["throughput"], 1),
        "success": raw["success"],
        "status_codes": raw["status_codes"],
        "p50_ms": ms["50th"],
        "p90_ms": ms["90th"],
        "p95_ms": ms["95th"],
        "p99_ms": ms["99th"],
        "max_ms": ms["max"],
    }


def vegeta_targets(
    path: Path, url: str, bodies: Iterator[bytes], headers: Mapping[str, str], count: int
) -> None:
    import base64

    header = {k: [v] for k, v in headers.items()}
    with path.open("w") as out:
        for _ in range(count):
            body = base64.b64encode(next(bodies)).decode()
            out.write(json.dumps({"method": "POST", "url": url, "body": body, "header": header}) + "\n")


# --- profiles -------------------------------------------------------------------------------------


@dataclass
class Profile:
    samples: int = 0
    by_self: Counter[str] = field(default_factory=Counter)
    by_total: Counter[str] = field(default_factory=Counter)
    by_package: Counter[str] = field(default_factory=Counter)
    by_roomsvc: Counter[str] = field(default_factory=Counter)

    def as_dict(self, top: int = 15) -> dict[str, Any]:
        def pct(counter: Counter[str]) -> list[tuple[str, float]]:
            return [(k, round(100 * v / max(1, self.samples), 1)) for k, v in counter.most_common(top)]

        return {
            "samples": self.samples,
            "self": pct(self.by_self),
            "total": pct(self.by_total),
            "packages": pct(self.by_package),
            "roomsvc": pct(self.by_roomsvc),
        }


_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^():]+)(?::\d+)?\)$")


def _package(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/roomsvc/" in path or path.startswith("roomsvc"):
        return "roomsvc"
    if "/bench/" in path:
        return "bench"
    match = re.search(r"python3\.\d+/([^/]+)", path)
    if match:
        return "stdlib:" + match.group(1).removesuffix(".py")
    return path.rsplit("/", 1)[-1] or "?"


def _frame_name(frame: str) -> tuple[str, str]:
    match = _FRAME.match(frame)
    if not match:
        return frame, "?"
    path = match.group("file")
    short = re.sub(r"^.*/lib/python3\.\d+/", "", path.split("site-packages/", 1)[-1].split("/src/", 1)[-1])
    return f"{match.group('func')} ({short})", _package(path)


def py_spy(pids: list[int], duration: int, out: Path) -> Profile | None:
    """Sample the serving processes with py-spy (without pausing them) and summarise the stacks."""
    binary = Path(PYTHON).with_name("py-spy")
    if not binary.exists():
        return None
    processes = [
        subprocess.Popen(
            [
                str(binary),
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(duration),
                "--rate",
                "200",
                "--nonblocking",
                "--full-filenames",
                "--format",
                "raw",
                "--output",
                str(out.with_suffix(f".{pid}.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]
    profile = Profile()
    for pid, process in zip(pids, processes, strict=True):
        process.wait()
        path = out.with_suffix(f".{pid}.txt")
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [
                f
                for f in stack.split(";")
                if f and not f.startswith("process ") and not f.startswith("thread ")
            ]
            if not frames:
                continue
            profile.samples += count
            leaf, package = _frame_name(frames[-1])
            profile.by_self[leaf] += count
            profile.by_package[package] += count
            names = {_frame_name(f) for f in frames}
            for name, package in names:
                profile.by_total[name] += count
                if package == "roomsvc" and "Middleware" not in name:
                    profile.by_roomsvc[name] += count
    return profile if profile.samples else None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


COUNTERS = (
    "Questions",
    "Com_select",
    "Com_insert",
    "Com_update",
    "Com_delete",
    "Com_commit",
    "Com_rollback",
    "Com_savepoint",
    "Com_release_savepoint",
)


def db_counters(database_url: str) -> dict[str, int]:
    """MariaDB's server-wide statement counters (SHOW GLOBAL STATUS): round trips per request, roughly."""
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def read() -> dict[str, int]:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as connection:
                rows = (await connection.execute(text("SHOW GLOBAL STATUS"))).all()
        finally:
            await engine.dispose()
        return {name: int(value) for name, value in rows if name in COUNTERS}

    return asyncio.run(read())


def per_unit(before: dict[str, int], after: dict[str, int], units: int) -> dict[str, float]:
    return {
        k.removeprefix("Com_"): round((after[k] - before[k]) / max(1, units), 2)
        for k in COUNTERS
        if k in after
    }
