"""MariaDB restarted under load: clean 503s while it is down, the pool recovers, no acknowledged write lost.

This restarts the shared MariaDB (``mysqladmin shutdown``, then ``mysqld_safe`` started the way
scripts/stack.sh starts it), so every process on it — the session's API on port 8000 and ``roomsvc jobs``
included — lives through the outage too. The load runs against an in-process app on an isolated
database so that the rows can be checked exactly; at the end the shared API must be ready again, which
the rest of the suite relies on.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support import eventually, problem

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]
RUN_DIR = ROOT / ".run"
SERVER_PID_FILE = Path("/run/mysqld/mysqld.pid")
UNLIMITED = "default=100000/100000,rooms:write=100000/100000"


class LocalMariaDB:
    """The MariaDB that scripts/stack.sh runs: stopped with mysqladmin, started again with mysqld_safe."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.log = RUN_DIR / "mariadb.log"

    @staticmethod
    def _cmdline(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return ""

    def server_pid(self) -> int | None:
        try:
            pid = int(SERVER_PID_FILE.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if ("mariadbd" in self._cmdline(pid) or "mysqld" in self._cmdline(pid)) else None

    def why_not_restartable(self) -> str | None:
        for tool in ("mysqladmin", "mysqld_safe"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed"
        pid = self.server_pid()
        if pid is None:
            return f"no MariaDB server found through {SERVER_PID_FILE}"
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        if "mysqld_safe" not in self._cmdline(parent):
            return "MariaDB was not started by mysqld_safe (scripts/stack.sh); not restarting someone else's"
        return None

    def ping(self) -> bool:
        result = subprocess.run(
            ["mysqladmin", "--user=root", "--connect-timeout=2", "ping"], capture_output=True, check=False
        )
        return result.returncode == 0

    def shutdown(self) -> None:
        pid = self.server_pid()
        subprocess.run(["mysqladmin", "--user=root", "shutdown"], capture_output=True, check=True, timeout=60)
        deadline = time.monotonic() + 60
        while pid is not None and self._cmdline(pid) and time.monotonic() < deadline:
            time.sleep(0.1)

    def start(self) -> None:
        """As scripts/stack.sh start_mariadb: its own session, the same flags and log, then the pid file."""
        RUN_DIR.mkdir(exist_ok=True)
        self.log.touch()
        shutil.chown(self.log, user="mysql")  # mysqld_safe hands the error log to the mysql user
        with self.log.open("ab") as log:
            subprocess.Popen(
                [
                    "mysqld_safe",
                    "--skip-syslog",
                    f"--log-error={self.log}",
                    "--bind-address=127.0.0.1",
                    f"--port={self.port}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while not self.ping():
            if time.monotonic() > deadline:
                raise RuntimeError(f"MariaDB did not come back within 90 s; see {self.log}")
            time.sleep(0.2)
        pid = self.server_pid()
        if pid is not None and (RUN_DIR / "mariadb.pid").exists():
            (RUN_DIR / "mariadb.pid").write_text(f"{pid}\n")


@dataclass
class Load:
    created: list[str] = field(default_factory=list)
    joined: list[tuple[str, str]] = field(default_factory=list)
    failures: list[httpx.Response] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def record(self, response: httpx.Response, what: str) -> bool:
        if response.status_code in (200, 201):
            return True
        if response.status_code == 503:
            self.failures.append(response)
        else:
            self.unexpected.append(f"{what}: {response.status_code} {response.text[:300]}")
        return False


async def _writer(client: Any, prefix: str, load: Load, stop: asyncio.Event, worker: int) -> None:
    for n in itertools.count():
        if stop.is_set():
            return
        name = f"{prefix}-{worker}-{n}"
        try:
            created = await client.post("/v1/rooms", json={"name": name, "creator": "owner"})
        except httpx.TimeoutException:
            load.unexpected.append(f"create {name}: no answer within the client timeout (a hang)")
            continue
        if load.record(created, f"create {name}"):
            load.created.append(name)
            identity = f"u{n}"
            try:
                joined = await client.post(f"/v1/rooms/{name}/participants", json={"identity": identity})
            except httpx.TimeoutException:
                load.unexpected.append(f"join {name}: no answer within the client timeout (a hang)")
                continue
            if load.record(joined, f"join {name}"):
                load.joined.append((name, identity))
        await asyncio.sleep(0.02)


async def _count(value: int) -> int:
    return value


async def test_mariadb_restart_under_load(
    settings: Any, isolated_db: str, make_client: Any, anon: Any, api: Any, room_name: str
) -> None:
    url = make_url(settings.database.url)
    if url.host not in ("127.0.0.1", "localhost") or os.geteuid() != 0:
        pytest.skip("MariaDB is not a local server this test may restart")
    mariadb = LocalMariaDB(url.port or 3306)
    reason = mariadb.why_not_restartable()
    if reason:
        pytest.skip(reason)

    load = Load()
    async with make_client(
        DATABASE_URL=isolated_db, ROOMSVC_DB_TIMEOUT="2", ROOMSVC_RATE_LIMITS=UNLIMITED
    ) as client:
        client.timeout = httpx.Timeout(20)
        stop = asyncio.Event()
        writers = [asyncio.create_task(_writer(client, room_name, load, stop, w)) for w in range(4)]
        restarted = False
        try:
            await eventually(lambda: _count(len(load.joined)), check=lambda n: n >= 8, what="writes before")
            await asyncio.to_thread(mariadb.shutdown)
            await eventually(
                lambda: _count(len(load.failures)), check=lambda n: n >= 5, what="requests failing while down"
            )
            await asyncio.to_thread(mariadb.start)
            restarted = True
            before = len(load.joined)
            await eventually(
                lambda: _count(len(load.joined) - before),
                check=lambda n: n >= 8,
                timeout=30,
                what="writes succeeding again after the restart",
            )
        finally:
            stop.set()
            await asyncio.gather(*writers)
            if not restarted and not mariadb.ping():
                await asyncio.to_thread(mariadb.start)  # never leave the shared database down

    assert not load.unexpected, load.unexpected[:5]
    for response in load.failures:
        body = problem(response, 503, response.json()["code"])
        assert body["code"] in ("database-unavailable", "dependency-unavailable"), body
        assert int(response.headers["retry-after"]) >= 1

    # No acknowledged write was lost: every 2xx create and join is a row.
    from roomsvc.participants.models import Participant
    from roomsvc.rooms.models import Room

    engine = create_async_engine(isolated_db)
    try:
        async with engine.connect() as connection:
            rooms = dict((await connection.execute(select(Room.name, Room.status))).all())
            members = {
                (room, identity)
                for room, identity in (
                    await connection.execute(
                        select(Room.name, Participant.identity).join(Room, Room.id == Participant.room_id)
                    )
                ).all()
            }
    finally:
        await engine.dispose()
    missing_rooms = [name for name in load.created if rooms.get(name) != "created"]
    assert not missing_rooms, missing_rooms
    assert not set(load.joined) - members

    # The session's API process lived through it and is ready again.
    ready = await eventually(lambda: anon.get("/readyz"), check=lambda r: r.status_code == 200, timeout=30)
    assert ready.json()["checks"]["mysql"] == "up"
    after = await api.post("/v1/rooms", json={"name": f"{room_name}-after", "creator": "owner"})
    assert after.status_code == 201, after.text
