"""Processes and databases that tests start for themselves: private LiveKit servers, isolated databases,
`roomsvc jobs` processes. Everything here is real (no mocks); it only gives a test its own copy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import yaml
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"

# Under pytest-xdist each worker process ("gw0", "gw1", ...) runs a stack of its own beside the shared
# MariaDB, Redis and S3 servers (worker_env below); outside xdist this is "" and nothing changes.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# The worker's API and livekit-server ports: above the fixed ports tests use (fuzz API 8102, private
# LiveKits 79x0) and below the kernel's ephemeral range (free_port()).
WORKER_API_PORT_BASE = 8400
WORKER_LIVEKIT_PORT_BASE = 8500  # + 10 per worker: HTTP, RTC TCP (+1), RTC UDP (+2)


def log_path(name: str) -> Path:
    """``artifacts/<name>.log``, or ``artifacts/<name>-gwN.log`` in an xdist worker (one log per worker)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / (f"{name}-{WORKER}.log" if WORKER else f"{name}.log")


def reap_leftover(pid_file: Path, marker: str) -> None:
    """Kill the process group ``pid_file`` names if it still runs ``marker`` (its command line): what a
    crashed run (an xdist worker killed before its teardown) left holding this worker's ports."""
    try:
        pid = int(pid_file.read_text())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return
    if marker in command:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:  # started with a session of its own: its children too
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)


def worker_env(env: Mapping[str, str], worker: str) -> dict[str, str]:
    """What an xdist worker changes in the stack's settings, so that no state is shared between workers:
    its own test database (``<test db>_gwN``), Redis database number (rate-limit buckets), API port and
    public URL, and livekit-server (started by ``worker_livekit``; its webhooks go to this worker's API).
    ``ROOMSVC_LIVEKIT_CONFIG`` becomes that server's config, so private LiveKits post to this API too."""
    index = int(worker.removeprefix("gw"))
    api_port = WORKER_API_PORT_BASE + index
    livekit_port = WORKER_LIVEKIT_PORT_BASE + 10 * index
    database = make_url(env["ROOMSVC_TEST_DATABASE_URL"])
    database = database.set(database=f"{database.database}_{worker}")
    redis = urlsplit(env.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    changed = {
        "ROOMSVC_TEST_DATABASE_URL": database.render_as_string(hide_password=False),
        "REDIS_URL": urlunsplit(redis._replace(path=f"/{1 + index}")),
        "ROOMSVC_PORT": str(api_port),
        "ROOMSVC_PUBLIC_URL": f"http://127.0.0.1:{api_port}",
        "LIVEKIT_URL": f"http://127.0.0.1:{livekit_port}",
        "LIVEKIT_PUBLIC_URL": f"ws://127.0.0.1:{livekit_port}",
        "ROOMSVC_TEST_LIVEKIT_PORT": str(livekit_port),
    }
    config = env.get("ROOMSVC_LIVEKIT_CONFIG")
    if config:
        webhook = f"http://127.0.0.1:{api_port}{env.get('ROOMSVC_WEBHOOK_PATH', '/webhooks/livekit')}"
        body = yaml.safe_load(Path(config).read_text()) or {}
        body.setdefault("webhook", {})["urls"] = [webhook]
        path = ARTIFACTS / f"livekit-{worker}.yaml"
        ARTIFACTS.mkdir(exist_ok=True)
        path.write_text(yaml.safe_dump(body, sort_keys=False))
        changed["ROOMSVC_LIVEKIT_CONFIG"] = str(path)
    return changed


class PrivateLiveKit:
    """A livekit-server of our own (same binary and livekit.yaml, other ports), to stop at will."""

    def __init__(self, settings: Any, port: int, *, webhooks: bool = True) -> None:
        self.settings = settings
        self.port = port
        self.webhooks = webhooks
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"livekit-{port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _config(self) -> str:
        config = os.environ.get("ROOMSVC_LIVEKIT_CONFIG")
        if not config:
            pytest.skip("ROOMSVC_LIVEKIT_BIN/ROOMSVC_LIVEKIT_CONFIG not set: run through `make test`")
        if self.webhooks:
            return config
        # Webhooks "blocked": the same config, but LiveKit posts them where nothing listens.
        body = yaml.safe_load(Path(config).read_text()) or {}
        body.setdefault("webhook", {})["urls"] = ["http://127.0.0.1:9/x"]
        path = ARTIFACTS / f"livekit-{self.port}.yaml"
        path.write_text(yaml.safe_dump(body, sort_keys=False))
        return str(path)

    def start(self) -> None:
        binary = os.environ.get("ROOMSVC_LIVEKIT_BIN")
        if not binary:
            pytest.skip("ROOMSVC_LIVEKIT_BIN not set: run through `make test`")
        config = self._config()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/root"),
            "LIVEKIT_KEYS": f"{self.settings.livekit.api_key}: {self.settings.livekit.api_secret}",
            "LIVEKIT_WEBHOOK_API_KEY": self.settings.livekit.api_key,
            "LIVEKIT_PORT": str(self.port),
            "LIVEKIT_RTC_TCP_PORT": str(self.port + 1),
            "UDP_PORT": str(self.port + 2),  # rtc.udp_port is a range type: only the --udp-port flag sets it
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([binary, "--config", config], env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"private livekit-server exited; see {self.log_path}")
            try:
                if httpx.get(self.url, timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"private livekit-server did not start; see {self.log_path}")

    def stop(self) -> None:
        """Stop it now (an outage, not a drain: LiveKit's graceful shutdown waits for participants)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def run_cli(env: Mapping[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "roomsvc", *args], env=dict(env), check=True, capture_output=True)


def template_url(base_url: str) -> str:
    """Where ``migrated_db`` keeps a pristine copy of the freshly migrated test database (schema, the rows
    migrations and ``credentials bootstrap-dev`` write) for ``create_isolated_database`` to copy."""
    url = make_url(base_url)
    return url.set(database=f"{url.database}_template").render_as_string(hide_password=False)


async def copy_database(source_url: str, name: str) -> None:
    """Create database ``name`` next to ``source_url``'s as a copy of it: every table as ``SHOW CREATE
    TABLE`` prints it (indexes, foreign keys) and every row. A second or less, where migrating a new
    database with Alembic in a fresh process takes several (tens, on a loaded machine)."""
    source = make_url(source_url).database
    engine = create_async_engine(source_url)
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
        await connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        rows = await connection.execute(text("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'"))
        for table in [row[0] for row in rows]:
            ddl = (await connection.execute(text(f"SHOW CREATE TABLE `{table}`"))).one()[1]
            prefix = f"CREATE TABLE `{table}`"
            assert ddl.startswith(prefix), ddl
            # Unqualified REFERENCES in the copy name tables of its own database.
            await connection.execute(text(f"CREATE TABLE `{name}`.`{table}`" + ddl[len(prefix) :]))
            await connection.execute(
                text(f"INSERT INTO `{name}`.`{table}` SELECT * FROM `{source}`.`{table}`")  # noqa: S608 (our names)
            )
    await engine.dispose()


async def create_isolated_database(base_url: str, env: Mapping[str, str]) -> str:
    """A fresh database next to the test one, migrated and with the dev credential; returns its URL.

    A copy of ``template_url(base_url)`` when ``migrated_db`` made one (it does in every session);
    otherwise migrated from nothing by ``roomsvc migrate`` and ``roomsvc credentials bootstrap-dev``."""
    url = make_url(base_url)
    name = f"{url.database}_{uuid.uuid4().hex[:8]}"
    new_url = url.set(database=name).render_as_string(hide_password=False)
    if await database_exists(template_url(base_url)):
        await copy_database(template_url(base_url), name)
        return new_url
    engine = create_async_engine(base_url)
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    await engine.dispose()
    cli_env = dict(env) | {"DATABASE_URL": new_url}
    await asyncio.to_thread(run_cli, cli_env, "migrate")
    await asyncio.to_thread(run_cli, cli_env, "credentials", "bootstrap-dev")
    return new_url


async def database_exists(url: str) -> bool:
    parsed = make_url(url)
    engine = create_async_engine(parsed.set(database="information_schema"))
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT 1 FROM SCHEMATA WHERE SCHEMA_NAME = :name"), {"name": parsed.database}
        )
        exists = found.first() is not None
    await engine.dispose()
    return exists


async def recreate_database(url: str) -> None:
    """Drop the database ``url`` names if it exists and create it empty (an xdist worker's own)."""
    parsed = make_url(url)
    # information_schema: a database every user may connect to, so that ours need not exist yet.
    engine = create_async_engine(parsed.set(database="information_schema"))
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
        await connection.execute(text(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4"))
    await engine.dispose()


async def drop_database(url: str) -> None:
    parsed = make_url(url)
    engine = create_async_engine(parsed.set(database="information_schema"))  # it may not exist
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
    await engine.dispose()


class JobsProcess:
    """`roomsvc jobs` as a real process, which tests may kill -9 and start again; ``only`` runs only the
    jobs whose names start with it (``roomsvc jobs --only``)."""

    def __init__(self, env: Mapping[str, str], name: str, *, only: str | None = None) -> None:
        self.env = dict(env)
        self.only = only
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = log_path(f"jobs-{name}")
        self.process: subprocess.Popen[bytes] | None = None
        self.offset = 0  # where the log of the latest start begins

    def log_lines(self, *markers: str) -> list[str]:
        """The lines this process logged since its latest start that contain any of ``markers``."""
        with self.log_path.open("rb") as log:
            log.seek(self.offset)
            text = log.read().decode(errors="replace")
        return [line for line in text.splitlines() if any(m in line for m in markers)]

    def start(self) -> None:
        """Start it and return once its scheduler runs: on a loaded machine (a parallel run) starting a
        Python process takes seconds, which a test's `eventually` must not spend waiting for it."""
        offset = self.offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "roomsvc", "jobs", *(["--only", self.only] if self.only else [])],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90  # a bound, not a measure
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"roomsvc jobs exited at once; see {self.log_path}")
            with self.log_path.open("rb") as log:
                log.seek(offset)
                if b"scheduler.started" in log.read():
                    return
            time.sleep(0.1)
        raise RuntimeError(f"roomsvc jobs did not start its scheduler; see {self.log_path}")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


# `roomsvc recorder` for tests: no metrics port, one warm job process, a heartbeat every second.
RECORDER_ENV = {
    "ROOMSVC_RECORDER_HTTP_PORT": "0",
    "ROOMSVC_RECORDER_IDLE_PROCESSES": "1",
    "ROOMSVC_RECORDER_HEARTBEAT": "1",
}


class RecorderProcess:
    """`roomsvc recorder` in a session of its own, so a test can SIGKILL it with its job processes.

    Any other livekit-agents server runs the same way: ``module`` names what ``python -m`` runs (the
    tests' echo agent: ``tests.agents.echo_agent``), ``log_name`` its log under artifacts/."""

    def __init__(self, env: dict[str, str], *, module: str = "roomsvc", log_name: str = "recorder") -> None:
        self.env = env
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = log_path(log_name)
        self.args = [sys.executable, "-m", module] + (["recorder"] if module == "roomsvc" else [])
        self.name = log_name
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.args,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            with self.log_path.open("rb") as log:
                log.seek(offset)
                if b"registered worker" in log.read():
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not register with LiveKit; see {self.log_path}")

    def kill9(self) -> None:
        """The host dies: the recorder and its job processes, at once."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.running:
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
