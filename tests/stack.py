"""Processes and databases that tests start for themselves: private LiveKit servers, isolated databases,
`roomsvc jobs` processes. Everything here is real (no mocks); it only gives a test its own copy."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"


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
        body = (
            Path(config).read_text().replace("http://127.0.0.1:8000/webhooks/livekit", "http://127.0.0.1:9/x")
        )
        path = ARTIFACTS / f"livekit-{self.port}.yaml"
        path.write_text(body)
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


async def create_isolated_database(base_url: str, env: Mapping[str, str]) -> str:
    """A fresh database next to the test one, migrated and with the dev credential; returns its URL."""
    url = make_url(base_url)
    name = f"{url.database}_{uuid.uuid4().hex[:8]}"
    engine = create_async_engine(base_url)
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    await engine.dispose()
    new_url = url.set(database=name).render_as_string(hide_password=False)
    cli_env = dict(env) | {"DATABASE_URL": new_url}
    await asyncio.to_thread(run_cli, cli_env, "migrate")
    await asyncio.to_thread(run_cli, cli_env, "credentials", "bootstrap-dev")
    return new_url


async def drop_database(url: str) -> None:
    parsed = make_url(url)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
    await engine.dispose()


class JobsProcess:
    """`roomsvc jobs` as a real process, which tests may kill -9 and start again."""

    def __init__(self, env: Mapping[str, str], name: str) -> None:
        self.env = dict(env)
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"jobs-{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "roomsvc", "jobs"], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        time.sleep(0.3)
        if self.process.poll() is not None:
            raise RuntimeError(f"roomsvc jobs exited at once; see {self.log_path}")

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
        self.log_path = ARTIFACTS / f"{log_name}.log"
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
