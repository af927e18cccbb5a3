"""Helpers for tests that talk to the real stack."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

T = TypeVar("T")


# The project migration 0006_projects creates first (`default`), where the dev credential and the
# tests' rows live.
DEFAULT_PROJECT_ID = 1


@contextlib.asynccontextmanager
async def delivering(factory: Any, settings: Any, *, interval: float | None = None) -> AsyncIterator[None]:
    """The event relay (``events.jobs.deliver_due``) running, every ``interval`` seconds (default: the
    settings' poll interval), until the block ends; stopped with ``cancel_until_done``."""
    from roomsvc.events.jobs import deliver_due
    from roomsvc.scheduler import cancel_until_done

    pause = settings.jobs.poll_interval if interval is None else interval

    async def relay() -> None:
        async with httpx.AsyncClient() as http:
            while True:
                await deliver_due(factory, http=http, settings=settings.jobs, master_key=settings.secret_key)
                await asyncio.sleep(pause)

    task = asyncio.create_task(relay())
    try:
        yield
    finally:
        await cancel_until_done([task])


async def emit_room_updates(factory: Any, prefix: str, *, rooms: int, per_room: int) -> dict[str, list[str]]:
    """``per_room`` room.updated events in each of ``rooms`` rooms (``{prefix}-0`` …), round-robin,
    committed in one transaction as a webhook applier's batch writes them (one outbox flush: a multi-row
    INSERT of the events, one of their deliveries); their ids per room, in emit order."""
    from roomsvc.events.service import Outbox, emit
    from roomsvc.events.types import EventType

    outbox = Outbox()
    data = {"room_sid": None, "creator": "o", "call_type": "video", "max_participants": 0}
    async with factory() as session, session.begin():
        for n in range(per_room):
            for r in range(rooms):
                await emit(
                    session,
                    EventType.ROOM_UPDATED,
                    room=f"{prefix}-{r}",
                    project_id=DEFAULT_PROJECT_ID,
                    data=data | {"metadata": str(n)},  # a room.updated as the API writes it
                    outbox=outbox,
                )
        order: dict[str, list[str]] = {}
        for row, _, room in outbox.pending:
            order.setdefault(room, []).append(row["public_id"])
        await outbox.flush(session)
    return order


def per_room(received: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Event ids per room in the order they first arrived (a redelivery is not a new arrival)."""
    order: dict[str, list[str]] = {}
    for event in received:
        ids = order.setdefault(event["room"], [])
        if event["id"] not in ids:
            ids.append(event["id"])
    return order


async def drop_all_tables(url: str) -> None:
    """Leave the test database empty (every table dropped), so migrations start from nothing."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        rows = await connection.execute(text("SHOW TABLES"))
        tables = [r[0] for r in rows]
        await connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in tables:
            await connection.execute(text(f"DROP TABLE `{table}`"))
        await connection.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    await engine.dispose()


async def eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    check: Callable[[T], bool] = bool,
    timeout: float = 15.0,
    interval: float = 0.2,
    what: str = "condition",
) -> T:
    """Poll ``probe`` until ``check`` holds; fail with the last value after ``timeout`` seconds.

    Waiting for an outcome (a webhook applied, a track removed) is not a timing assertion: the timeout
    only bounds how long a broken system can keep the suite waiting.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while True:
        last = await probe()
        if check(last):
            return last
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s; last value: {last!r}")
        await asyncio.sleep(interval)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with ``status`` and our ``code``; return the body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"urn:roomsvc:problem:{code}", body
    assert body["code"] == code
    assert body["detail"]
    return body


async def make_admin(api: Any, room: str, identity: str, *, owner: str) -> None:
    """Grant ``admin`` the one way there is: the moderation role route, the room's ``owner`` acting
    (the join route, a participant PATCH and a rooms:write invitation refuse ``role: admin``)."""
    response = await api.post(
        f"/v1/rooms/{room}/participants/{identity}/role", json={"role": "admin", "actor": owner}
    )
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"


def project_client(api_server: str, session_factory: Any, settings: Any, project: str) -> Any:
    """An API client of a new project ``project`` holding every project scope: another tenant.

    Use as ``async with project_client(...) as other:``; the project and its credential are created on
    entry."""

    @contextlib.asynccontextmanager
    async def client() -> AsyncIterator[httpx.AsyncClient]:
        from roomsvc.auth import mint_caller_token
        from roomsvc.credentials import service as credential_service

        async with session_factory() as session, session.begin():
            await credential_service.create_project(session, project)
            credential, secret = await credential_service.create_credential(
                session,
                master_key=settings.secret_key,
                name=f"{project} backend",
                scopes=credential_service.PROJECT_SCOPES,
                project=project,
            )
        token = mint_caller_token(
            credential_id=credential.public_id,
            secret=secret,
            audience=settings.caller_auth.audience,
            scopes=list(credential_service.PROJECT_SCOPES),
            ttl=3600,
        )
        async with httpx.AsyncClient(
            base_url=api_server, headers={"Authorization": f"Bearer {token}"}, timeout=20
        ) as other:
            yield other

    return client()


# A validation section as `roomsvc detection evaluate --write-card` records it (registry.DeployedValidation):
# rates within ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM's default, and a track-level rate.
def validated_rates(suspicious: float, alert: float) -> dict[str, Any]:
    return {
        "method": "tests",
        "thresholds": {"suspicious": suspicious, "alert": alert},
        "alerting": {"smoothing": "mean", "min_consecutive": 1},
        "window_false_alarm": {
            "alert": {"rate": 0.002, "ci95": [0.0, 0.004]},
            "suspicious": {"rate": 0.01, "ci95": [0.005, 0.02]},
        },
        "track": {"false_alerts_per_hour": 0.05, "false_alerts_per_hour_ci95": [0.0, 0.1]},
        "deployment_path": {"opus_bitrates": [16000, 24000]},
        "data": {"description": "a test fixture", "files": 2, "listing_sha256": "0" * 64},
        "validated_by": "tests",
        "validated_at": "2026-12-04T00:00:00Z",
    }


@contextlib.asynccontextmanager
async def validated_audio_model(operator_api: Any, session_factory: Any) -> AsyncIterator[dict[str, Any]]:
    """Register and activate a version of the shipped baseline's file whose registry row records validated
    rates (as ``roomsvc detection evaluate --write-card`` does), so the safety gate lets ``mute``/``kick``
    through; the baseline gets its place back afterwards. ``operator_api`` holds the ``platform`` scope."""
    import uuid

    from roomsvc.detection import registry
    from roomsvc.detection import service as detection_service

    card = next(c for c in registry.builtin_cards() if c.kind == "audio")
    models = (await operator_api.get("/v1/detection/models", params={"kind": "audio"})).json()["items"]
    baseline = next(m for m in models if (m["name"], m["version"]) == (card.name, card.version))
    body = {
        "name": card.name,
        "version": "validated-" + uuid.uuid4().hex[:8],
        "kind": "audio",
        "uri": card.uri,
        "sha256": card.sha256,
        "thresholds": {"suspicious": card.suspicious, "alert": card.alert},
        "active": True,
    }
    created = await operator_api.post("/v1/detection/models", json=body)
    assert created.status_code == 201, created.text
    try:
        async with session_factory() as session, session.begin():
            row = await detection_service.get_model(session, created.json()["id"], for_update=True)
            await detection_service.record_validation(
                session, row, validated_rates(card.suspicious, card.alert), alerting=None
            )
        yield (await operator_api.get(f"/v1/detection/models/{row.id}")).json()
    finally:
        restored = await operator_api.patch(f"/v1/detection/models/{baseline['id']}", json={"active": True})
        assert restored.status_code == 200, restored.text
