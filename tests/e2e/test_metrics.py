"""Prometheus metrics move with real traffic: the API's /metrics, `roomsvc jobs`' own endpoint, and
several uvicorn workers reporting as one. Plus one request id from the API to LiveKit calls and events."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from sqlalchemy import select

from roomsvc.events.models import Event
from roomsvc.webhooks.verify import sign_webhook
from tests.e2e.clients import connected
from tests.promtext import free_port, parse, scrape, value
from tests.receiver import Receiver
from tests.stack import ARTIFACTS, JobsProcess
from tests.stack import log_path as artifact_log
from tests.support import eventually

pytestmark = pytest.mark.e2e

CT = {"content-type": "application/webhook+json"}
ROOMS = "/v1/rooms"
JOIN = "/v1/rooms/{room}/participants"  # the template Litestar reports (no type)


def _webhook(event_id: str) -> bytes:
    return (
        '{"event":"room_started","room":{"sid":"RM_metrics","name":"no-such-room-metrics"},'
        f'"id":"{event_id}","createdAt":"{int(time.time())}"}}'
    ).encode()


async def test_api_metrics_follow_real_traffic(
    api: Any, anon: Any, settings: Any, livekit: Any, room_name: str
) -> None:
    before = await scrape(anon, "/metrics")

    created = await api.post(ROOMS, json={"name": room_name, "creator": "alice", "call_type": "audio"})
    assert created.status_code == 201, created.text
    joined = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "bob"})
    assert joined.status_code == 201, joined.text

    body = _webhook(f"EV_{uuid.uuid4().hex}")
    signed = sign_webhook(body, api_key=settings.livekit.api_key, api_secret=settings.livekit.api_secret)
    first = await anon.post(settings.webhook_path, content=body, headers=CT | {"Authorization": signed})
    again = await anon.post(settings.webhook_path, content=body, headers=CT | {"Authorization": signed})
    forged = sign_webhook(body, api_key=settings.livekit.api_key, api_secret="f" * 40)
    refused = await anon.post(settings.webhook_path, content=body, headers=CT | {"Authorization": forged})
    assert [first.json()["status"], again.json()["status"], refused.status_code] == [
        "accepted",
        "duplicate",
        401,
    ]

    def grew(samples: Any, name: str, by: float = 1, **labels: str) -> bool:
        return value(samples, name, **labels) >= value(before, name, **labels) + by

    async with connected(joined.json()["url"], joined.json()["token"]):
        # LiveKit itself posts participant_joined (signed with our key): applied, then counted as open.
        after = await eventually(
            lambda: scrape(anon, "/metrics"),
            check=lambda s: (
                grew(s, "roomsvc_webhook_events_total", event_type="participant_joined", outcome="accepted")
                and value(s, "roomsvc_participants_active") >= 1
                and value(s, "roomsvc_rooms", status="active") >= 1
            ),
            timeout=20,
            what="LiveKit's participant_joined webhook and the active gauges",
        )

    counts = [
        ("roomsvc_http_requests_total", {"method": "POST", "route": ROOMS, "status": "201"}),
        ("roomsvc_http_request_duration_seconds_count", {"method": "POST", "route": ROOMS}),
        ("roomsvc_http_requests_total", {"method": "POST", "route": JOIN, "status": "201"}),
        ("roomsvc_livekit_calls_total", {"method": "CreateRoom", "outcome": "ok"}),
        ("roomsvc_livekit_call_duration_seconds_count", {"method": "CreateRoom"}),
        ("roomsvc_webhook_events_total", {"event_type": "room_started", "outcome": "duplicate"}),
        ("roomsvc_webhook_events_total", {"event_type": "unknown", "outcome": "rejected"}),
    ]
    for name, labels in counts:
        assert value(after, name, **labels) == value(before, name, **labels) + 1, (name, labels)
    assert grew(after, "roomsvc_webhook_events_total", event_type="room_started", outcome="accepted")
    # The 401 of the forged webhook is counted with its real status, under the route template.
    assert grew(
        after, "roomsvc_http_requests_total", method="POST", route=settings.webhook_path, status="401"
    )
    # Labels are route templates: no series carries the raw room name.
    assert not [key for key in after if any(room_name in v for _, v in key[1])]


async def test_one_request_id_from_api_to_livekit_call_to_event(
    api: Any, session_factory: Any, room_name: str
) -> None:
    request_id = f"rid-{uuid.uuid4().hex}"
    created = await api.post(
        ROOMS, json={"name": room_name, "creator": "alice"}, headers={"X-Request-ID": request_id}
    )
    assert created.status_code == 201, created.text
    assert created.headers["x-request-id"] == request_id

    async with session_factory() as session:
        rows = await session.execute(
            select(Event).where(Event.room_name == room_name, Event.type == "room.created")
        )
        events = list(rows.scalars())
    assert [msgspec.json.decode(e.data)["request_id"] for e in events] == [request_id]

    def log_lines() -> list[dict[str, Any]]:
        lines = artifact_log("api-server").read_text().splitlines()
        return [json.loads(line) for line in lines if request_id in line and line.startswith("{")]

    lines = await eventually(
        lambda: _async(log_lines()),
        check=lambda ls: {"livekit.call", "room.created", "http.request"} <= {line["event"] for line in ls},
        what="log lines carrying the request id",
    )
    calls = [line for line in lines if line["event"] == "livekit.call"]
    assert {"method": "CreateRoom", "outcome": "ok"}.items() <= calls[0].items()


async def _async(value: Any) -> Any:
    return value


async def _scrape_when_up(http: httpx.AsyncClient, url: str) -> dict[Any, float]:
    """The jobs process's metrics, or nothing while it is still starting (not listening yet)."""
    try:
        return await scrape(http, url)
    except httpx.ConnectError:
        return {}


async def test_jobs_process_serves_delivery_reconcile_and_livekit_metrics(
    stack_env: dict[str, str], isolated_db: str, make_client: Any, livekit: Any, room_name: str
) -> None:
    port = free_port()
    env = stack_env | {
        "DATABASE_URL": isolated_db,
        "ROOMSVC_JOBS_METRICS_PORT": str(port),
        "ROOMSVC_RECONCILE_INTERVAL": "0.5",
        "ROOMSVC_RECONCILE_GRACE": "0",
    }
    jobs = JobsProcess(env, "metrics")
    jobs.start()
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        with Receiver() as receiver:
            async with make_client(DATABASE_URL=isolated_db) as client:
                sub = await client.post(
                    "/v1/event-subscriptions", json={"url": receiver.url, "event_types": ["room.*"]}
                )
                assert sub.status_code == 201, sub.text
                created = await client.post(ROOMS, json={"name": room_name, "creator": "o"})
                assert created.status_code == 201, created.text
            # The room vanishes from LiveKit behind our back (its webhooks go to the other database):
            # only reconciliation can notice, and it must count the repair.
            assert await livekit.delete_room(room_name)
            async with httpx.AsyncClient(timeout=5) as http:
                samples = await eventually(
                    lambda: _scrape_when_up(http, url),
                    check=lambda s: (
                        value(s, "roomsvc_event_deliveries_total", outcome="delivered") >= 1
                        and value(s, "roomsvc_reconcile_repairs_total", kind="rooms_ended") >= 1
                    ),
                    timeout=30,
                    what="a delivery and a reconciliation repair counted by roomsvc jobs",
                )
            assert receiver.received, "the receiver got nothing, yet a delivery was counted"
    finally:
        jobs.stop()
    assert value(samples, "roomsvc_event_delivery_duration_seconds_count", outcome="delivered") >= 1
    assert value(samples, "roomsvc_reconcile_runs_total") >= 1
    assert value(samples, "roomsvc_livekit_calls_total", method="ListRooms", outcome="ok") >= 1


def test_api_workers_report_one_set_of_metrics(
    stack_env: dict[str, str], migrated_db: str, tmp_path: Path
) -> None:
    """ROOMSVC_WORKERS=2: any worker answering /metrics reports every worker's requests."""
    port = free_port()
    multiproc = tmp_path / "prometheus"
    env = stack_env | {
        "ROOMSVC_PORT": str(port),
        "ROOMSVC_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
    }
    log_path = ARTIFACTS / "api-workers.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "roomsvc", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 40
        while True:
            assert process.poll() is None, f"roomsvc serve exited; see {log_path}"
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"roomsvc serve --workers 2 did not start; see {log_path}"
            time.sleep(0.2)
        for _ in range(20):  # a new connection each time, so both workers take some
            response = httpx.get(base + ROOMS, headers={"Connection": "close"}, timeout=5)
            assert response.status_code == 401
        totals = []
        for _ in range(4):
            response = httpx.get(base + "/metrics", headers={"Connection": "close"}, timeout=5)
            assert response.status_code == 200
            samples = parse(response.text)
            totals.append(
                value(samples, "roomsvc_http_requests_total", method="GET", route=ROOMS, status="401")
            )
        assert totals == [20.0] * 4
        # Each worker process writes its own files into the shared directory.
        pids = {path.stem.rsplit("_", 1)[-1] for path in multiproc.glob("*.db")}
        assert len(pids) >= 2, sorted(p.name for p in multiproc.glob("*.db"))
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
