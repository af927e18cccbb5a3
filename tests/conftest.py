"""Test fixtures shared by every layer.

``make test`` starts MariaDB, Redis and LiveKit, exports the settings, and runs pytest. For the
integration and e2e layers this file then:

- resets the test database (``ROOMSVC_TEST_DATABASE_URL``) to empty and runs ``alembic upgrade head``;
- provisions the dev caller credential;
- starts the API as a real process (``roomsvc serve``) on ``ROOMSVC_PORT``, because LiveKit's webhooks
  (see livekit.yaml) are posted there;
- gives tests an httpx client for that server (``api``), an in-process app for tests that need other
  settings (``make_client``), and our LiveKit gateway for assertions about LiveKit's state.

Unit tests (tests/unit) need none of that and run without the stack.

In parallel (``pytest -n N``, pytest-xdist: what a full ``make test`` does) every worker gets a stack of
its own beside the shared MariaDB, Redis and S3 servers (``tests.stack.worker_env``): its own test
database ``<test db>_gwN``, Redis database number, API port and livekit-server, whose webhooks go to that
worker's API. No state is shared between workers, so a test sees the same stack serially and in parallel.
"""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.stack import WORKER

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"


# Background jobs in tests retry fast; the shared jobs process does not reconcile (tests that need
# reconciliation run their own against a private LiveKit and database: see tests/stack.py).
TEST_JOB_SETTINGS = {
    "ROOMSVC_DELIVERY_BACKOFF_BASE": "0.2",
    "ROOMSVC_DELIVERY_BACKOFF_CAP": "1",
    "ROOMSVC_DELIVERY_LEASE": "5",
    # The production default. At 0.1 s each idle jobs process ran about 45 polling transactions a
    # second, a fifth of this 2-core machine's CPU during a parallel suite. New webhooks and due
    # deliveries wake their jobs through Redis anyway; a timed mute or an expiring invitation is applied
    # within a second, and the tests wait for it.
    "ROOMSVC_JOBS_POLL_INTERVAL": "0.5",
    "ROOMSVC_RECONCILE_INTERVAL": "0",
    # Tests start many jobs processes; the one that checks jobs metrics gives itself a free port.
    "ROOMSVC_JOBS_METRICS_PORT": "0",
    # Every test shares the dev credential's buckets, so the production limits would make a test's
    # outcome depend on how many requests the tests before it sent. Rate limiting itself is tested
    # with its own limits (tests/integration/test_auth.py, make_client).
    "ROOMSVC_RATE_LIMITS": "default=100000/100000,rooms:write=100000/100000",
    # All tests come from 127.0.0.1, many with deliberately bad tokens: the pre-authentication limiter
    # is tested with its own limit (tests/integration/test_edge_limits.py).
    "ROOMSVC_PREAUTH_RATE_LIMIT": "100000/100000",
    # The shared jobs process never finalizes a test's recording as stale (no recorder runs in most
    # tests); the sweeper is tested by calling it, and by tests that run their own jobs process.
    "ROOMSVC_RECORDING_STALE_SECONDS": "86400",
    # One process per API: a parallel run starts one API per xdist worker already, and per-process state
    # (stream caps, the pre-authentication limiter) stays predictable. `roomsvc serve --workers 2` is
    # tested on its own (tests/e2e/test_metrics.py).
    "ROOMSVC_WORKERS": "1",
}


def _test_env() -> dict[str, str]:
    env = dict(os.environ)
    test_url = env.get("ROOMSVC_TEST_DATABASE_URL")
    if test_url:
        env["DATABASE_URL"] = test_url
    env.setdefault("ROOMSVC_LOG_JSON", "true")
    # One API process per stack: `auto` (one per core) would start several in every parallel test lane
    # on a small machine. Tests of several workers set it themselves (tests/e2e/test_metrics.py).
    env.setdefault("ROOMSVC_WORKERS", "1")
    env.update(TEST_JOB_SETTINGS)
    return env


def pytest_configure(config: pytest.Config) -> None:
    """In an xdist worker, point this process (and every process it starts) at the worker's own stack."""
    from tests.stack import worker_env

    if WORKER and "ROOMSVC_TEST_DATABASE_URL" in os.environ:
        os.environ.update(worker_env(os.environ, WORKER))


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` (what `make test` passes): the units of tests.lanes, the heavy lane first."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.lanes import LaneScheduling

    return LaneScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In parallel runs only: the order units are handed out in (tests.lanes.rank, a stable sort)."""
    if WORKER:
        from tests.lanes import rank

        items.sort(key=lambda item: rank(item.nodeid))


_HANG_DUMP: Any = None


def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> None:
    """pytest-timeout (signal method) fails a test stuck in Python code, but a test stuck inside a native
    call (a LiveKit SDK handle drop that never returns) never gets back to Python to see the signal, and
    the run would hang until CI's limit. Beside pytest-timeout's own timer (this returns None, so its
    implementation still runs, with the limit it resolved from the mark, --timeout, PYTEST_TIMEOUT or the
    ini), faulthandler's own thread writes every thread's stack to artifacts/hang[-gwN].log and ends the
    process 60 s after that limit: xdist then reports the worker crashed on that test, and the run goes on
    without it."""
    global _HANG_DUMP
    from tests.stack import log_path

    if _HANG_DUMP is None:
        _HANG_DUMP = log_path("hang").open("a")  # for the process's life
    faulthandler.dump_traceback_later(settings.timeout + 60, exit=True, file=_HANG_DUMP)


def pytest_timeout_cancel_timer(item: pytest.Item) -> None:
    faulthandler.cancel_dump_traceback_later()


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


@pytest.fixture(scope="session")
def stack_env() -> Iterator[dict[str, str]]:
    env = _test_env()
    if "ROOMSVC_TEST_DATABASE_URL" not in os.environ:
        pytest.skip("the real stack is not set up: run `make test`")
    os.environ.update({"DATABASE_URL": env["DATABASE_URL"]})
    from roomsvc.config import get_settings
    from tests.stack import PrivateLiveKit, reap_leftover

    get_settings.cache_clear()
    if not WORKER:
        yield env
        return
    # This xdist worker's livekit-server (tests.stack.worker_env chose its ports and config).
    livekit = PrivateLiveKit(get_settings(), int(env["ROOMSVC_TEST_LIVEKIT_PORT"]))
    pid_file = livekit.log_path.with_suffix(".pid")
    reap_leftover(pid_file, f"--config {env['ROOMSVC_LIVEKIT_CONFIG']}")
    livekit.start()
    assert livekit.process is not None
    pid_file.write_text(str(livekit.process.pid))
    yield env
    livekit.stop()
    pid_file.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def settings(stack_env: dict[str, str]) -> Any:
    from roomsvc.config import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def migrated_db(settings: Any) -> str:
    """Empty the test database, then build it with Alembic only (the schema's single source)."""
    from sqlalchemy.engine import make_url

    from roomsvc.cli import main as roomsvc_cli
    from tests.stack import WORKER, copy_database, drop_database, recreate_database, template_url
    from tests.support import drop_all_tables

    if WORKER:  # the worker's own database, created on its first run
        asyncio.run(recreate_database(settings.database.url))
    else:
        asyncio.run(drop_all_tables(settings.database.url))
    assert roomsvc_cli(["migrate"]) == 0
    assert roomsvc_cli(["credentials", "bootstrap-dev"]) == 0
    # A pristine copy, which `isolated_db` copies in a second instead of migrating a new database.
    template = template_url(settings.database.url)
    asyncio.run(drop_database(template))
    asyncio.run(copy_database(settings.database.url, make_url(template).database))
    return settings.database.url


@pytest.fixture(scope="session")
def api_server(migrated_db: str, stack_env: dict[str, str], settings: Any) -> Iterator[str]:
    """The API as a real process on ROOMSVC_PORT, where LiveKit posts its webhooks."""
    from tests.stack import log_path as artifact_log
    from tests.stack import reap_leftover

    host, port = settings.host, settings.port
    pid_file = artifact_log("api-server").with_suffix(".pid")
    reap_leftover(pid_file, "roomsvc serve")  # what a crashed run of this worker left on the port
    if _port_open(host, port):
        pytest.exit(
            f"port {port} is already in use (is `make run` running?); stop it before `make test`",
            returncode=3,
        )
    log_path = artifact_log("api-server")
    with log_path.open("wb") as log_file:
        # A session (process group) of its own, so that stopping it stops every process it started.
        process = subprocess.Popen(
            [sys.executable, "-m", "roomsvc", "serve"],
            env=stack_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        pid_file.write_text(str(process.pid))
        base_url = f"http://{host}:{port}"
        deadline = time.monotonic() + 90  # a bound, not a measure: parallel workers start at once
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"API server exited early; see {log_path}")
            try:
                if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            os.killpg(process.pid, signal.SIGKILL)
            raise RuntimeError(f"API server did not start; see {log_path}")
        # The API only stores webhooks: `roomsvc jobs`' appliers apply them (the other jobs run only in
        # the tests that ask for `jobs_process`, so that a test can drive them itself).
        from tests.stack import JobsProcess

        appliers = JobsProcess(stack_env, "webhook-appliers", only="webhook-applier")
        appliers.start()
        yield base_url
        appliers.stop()
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def jobs_process(api_server: str, stack_env: dict[str, str]) -> Iterator[Any]:
    """`roomsvc jobs` on the test database: webhook sweeper and event delivery (no reconciliation)."""
    from tests.stack import JobsProcess

    jobs = JobsProcess(stack_env, "session")
    jobs.start()
    yield jobs
    jobs.stop()


@pytest.fixture(scope="module")
def recorder_process(api_server: str, stack_env: dict[str, str]) -> Iterator[Any]:
    """`roomsvc recorder` (tests.stack.RecorderProcess) on the test stack, for one test module."""
    from tests.stack import RECORDER_ENV, RecorderProcess

    recorder = RecorderProcess(stack_env | RECORDER_ENV)
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def echo_agent(api_server: str, stack_env: dict[str, str]) -> Iterator[Any]:
    """tests/agents/echo_agent.py: a tiny real agent registered with LiveKit as `roomsvc-test-echo`, for
    one test module (tests.stack.RecorderProcess runs it: `python -m tests.agents.echo_agent`)."""
    from tests.stack import RecorderProcess

    env = stack_env | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), stack_env.get("PYTHONPATH")]))}
    agent = RecorderProcess(env, module="tests.agents.echo_agent", log_name="echo-agent")
    agent.start()
    yield agent
    agent.stop()


@pytest.fixture
def recorder(recorder_process: Any) -> Any:
    """The module's recorder, started again if a test before this one killed it."""
    if not recorder_process.running:
        recorder_process.start()
    return recorder_process


@pytest.fixture
async def isolated_db(stack_env: dict[str, str], migrated_db: str) -> AsyncIterator[str]:
    """A throw-away database of this test's own, migrated, with the dev credential."""
    from tests.stack import create_isolated_database, drop_database

    url = await create_isolated_database(migrated_db, stack_env)
    yield url
    await drop_database(url)


@pytest.fixture(scope="session")
def caller_token(settings: Any) -> Any:
    """Mint a caller JWT for the dev credential: ``caller_token(scopes=[...])``."""
    from roomsvc.auth import mint_caller_token
    from roomsvc.credentials.service import ALL_SCOPES

    def mint(scopes: list[str] | None = None, ttl: int = 300, **overrides: Any) -> str:
        return mint_caller_token(
            credential_id=overrides.get("credential_id", settings.caller_auth.dev_credential_id),
            secret=overrides.get("secret", settings.caller_auth.dev_credential_secret),
            audience=overrides.get("audience", settings.caller_auth.audience),
            scopes=list(ALL_SCOPES) if scopes is None else scopes,
            ttl=ttl,
        )

    return mint


@pytest.fixture(scope="session")
async def api(api_server: str, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
    """httpx client for the real API process, authenticated as the dev credential (all scopes)."""
    headers = {"Authorization": f"Bearer {caller_token(ttl=3600)}"}
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as client:
        yield client


PLATFORM_CREDENTIAL_ID = "cred_platform_test"
PLATFORM_SECRET = "platform-test-secret-0123456789abcdef"


async def add_platform_credential(session_factory: Any, settings: Any) -> None:
    """The tests' operator credential (every scope, `platform` included) in ``session_factory``'s
    database."""
    from roomsvc.credentials import service as credential_service

    async with session_factory() as session, session.begin():
        await credential_service.upsert_credential(
            session,
            master_key=settings.secret_key,
            public_id=PLATFORM_CREDENTIAL_ID,
            secret=PLATFORM_SECRET,
            name="test operator",
            scopes=credential_service.ALL_SCOPES,
        )


@pytest.fixture(scope="session")
async def platform_token(migrated_db: str, session_factory: Any, settings: Any) -> str:
    """A caller JWT (1 h) of an operator credential: every scope, `platform` included. Requests with it
    name their project in `Roomsvc-Project` (the tests' is `default`)."""
    from roomsvc.auth import mint_caller_token
    from roomsvc.credentials import service as credential_service

    await add_platform_credential(session_factory, settings)
    return mint_caller_token(
        credential_id=PLATFORM_CREDENTIAL_ID,
        secret=PLATFORM_SECRET,
        audience=settings.caller_auth.audience,
        scopes=list(credential_service.ALL_SCOPES),
        ttl=3600,
    )


@pytest.fixture(scope="session")
async def platform_api(api_server: str, platform_token: str) -> AsyncIterator[httpx.AsyncClient]:
    """httpx client for the operator credential acting in project `default`: what changes the detection
    model registry, which belongs to no project."""
    headers = {"Authorization": f"Bearer {platform_token}", "Roomsvc-Project": "default"}
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as client:
        yield client


@pytest.fixture(scope="session")
async def anon(api_server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_server, timeout=20) as client:
        yield client


@pytest.fixture(scope="session")
async def livekit(settings: Any) -> AsyncIterator[Any]:
    """Our gateway, for asserting what LiveKit itself holds (rooms, participants, tracks)."""
    from roomsvc.livekit import LiveKitGateway

    gateway = LiveKitGateway(settings.livekit)
    yield gateway
    await gateway.aclose()


@pytest.fixture(scope="session")
async def session_factory(migrated_db: str, settings: Any) -> AsyncIterator[Any]:
    """Sessions on the test database, for asserting on rows."""
    from roomsvc.db import create_engine, create_session_factory

    engine = create_engine(settings.database)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def room_name() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_client(migrated_db: str, caller_token: Any, settings: Any, api_server: str) -> Any:
    """An in-process app with changed settings: ``async with make_client(LIVEKIT_URL=...) as client``."""
    from contextlib import asynccontextmanager

    from litestar.testing import AsyncTestClient

    from roomsvc.app import create_app
    from roomsvc.config import load_settings

    @asynccontextmanager
    async def factory(**overrides: str) -> AsyncIterator[Any]:
        env = _test_env() | overrides
        app_settings = load_settings(env)
        app = create_app(app_settings)
        # On the suite's database the suite's `roomsvc jobs` appliers (api_server) apply what this app
        # stores; only an app on another database gets appliers of its own. In this process they would
        # share the test's event loop, which a request to the in-process app can hold while they hold a
        # room lock (a lock wait InnoDB cannot see as a deadlock).
        own_appliers = "DATABASE_URL" in overrides and overrides["DATABASE_URL"] != migrated_db
        async with (
            AsyncTestClient(app=app, raise_server_exceptions=False) as client,
            webhook_appliers(app_settings) if own_appliers else contextlib.nullcontext(),
        ):
            client.headers["Authorization"] = f"Bearer {caller_token(ttl=3600)}"
            yield client

    return factory


@asynccontextmanager
async def webhook_appliers(app_settings: Any) -> AsyncIterator[None]:
    """`roomsvc jobs`' webhook appliers, in process, on ``app_settings``' database: an in-process app
    only stores webhooks, as the API does."""
    from functools import partial

    from roomsvc import wake
    from roomsvc.db import create_engine, create_session_factory
    from roomsvc.jobs import close_appliers, wake_appliers
    from roomsvc.jobs import webhook_appliers as applier_jobs
    from roomsvc.livekit import LiveKitGateway
    from roomsvc.scheduler import Scheduler

    engine = create_engine(app_settings.database)
    gateway = LiveKitGateway(app_settings.livekit)
    table = applier_jobs(app_settings, gateway)
    listener = asyncio.create_task(
        wake.listen(app_settings.redis.url, {wake.WEBHOOKS_STORED: partial(wake_appliers, table)})
    )
    try:
        async with Scheduler(create_session_factory(engine), table):
            yield
    finally:
        listener.cancel()
        await asyncio.wait({listener}, timeout=5)  # a Redis close that hangs must not hang the test
        await close_appliers(table)
        await gateway.aclose()
        await engine.dispose()
