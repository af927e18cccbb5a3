"""Detection API on the real stack: model registry, dispatch in LiveKit, worker-only ingestion, results."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from roomsvc.detection import registry
from tests.support import problem

T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
async def worker(api_server: str, settings: Any, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the detection worker sees it: signed with the worker credential (scope detection)."""
    token = caller_token(
        scopes=["detection"],
        ttl=3600,
        credential_id=settings.detection.worker_credential_id,
        secret=settings.detection.worker_credential_secret,
    )
    async with httpx.AsyncClient(
        base_url=api_server, headers={"Authorization": f"Bearer {token}"}, timeout=20
    ) as client:
        yield client


async def _baseline(api: httpx.AsyncClient) -> dict[str, Any]:
    models = (await api.get("/v1/detection/models", params={"kind": "audio"})).json()["items"]
    card = next(c for c in registry.builtin_cards() if c.kind == "audio")
    return next(m for m in models if m["name"] == card.name and m["version"] == card.version)


async def _room(api: httpx.AsyncClient, name: str, **detection: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "creator": "owner-1", "call_type": "audio"}
    if detection:
        body["detection"] = detection
    response = await api.post("/v1/rooms", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _window(
    track: str, seconds: int, score: float, state: str, model_id: int, **extra: Any
) -> dict[str, Any]:
    start = T0 + dt.timedelta(seconds=seconds)
    return {
        "identity": extra.pop("identity", "mallory"),
        "participant_sid": "PA_mallory",
        "track_sid": track,
        "kind": "audio",
        "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(seconds=4)).isoformat(),
        "score": score,
        "smoothed_score": score,
        "state": state,
        "model_id": model_id,
        **extra,
    }


async def test_shipped_baseline_is_registered_and_active(api: httpx.AsyncClient) -> None:
    card = next(c for c in registry.builtin_cards() if c.kind == "audio")
    model = await _baseline(api)
    assert model["builtin"] is True and model["active"] is True
    assert model["sha256"] == card.sha256 and model["uri"] == card.uri
    assert model["window_samples"] == card.window_samples and model["sample_rate"] == 16_000
    assert model["thresholds"] == {
        "suspicious": pytest.approx(card.suspicious),
        "alert": pytest.approx(card.alert),
    }


async def test_register_activate_and_refuse_models(
    api: httpx.AsyncClient, platform_api: httpx.AsyncClient, caller_token: Any
) -> None:
    """The registry belongs to no project: operators (`platform`) change it, project credentials read it."""
    baseline = await _baseline(api)
    name = f"operator-{uuid.uuid4().hex[:8]}"
    body = {
        "name": name,
        "version": "1",
        "kind": "audio",
        "sha256": "a" * 64,
        "uri": "/opt/models/x.onnx",
        "thresholds": {"suspicious": 0.6, "alert": 0.9},
        "active": True,
    }
    created = await platform_api.post("/v1/detection/models", json=body)
    assert created.status_code == 201, created.text
    model = created.json()
    try:
        assert model["active"] is True and model["window_samples"] == 64_000
        assert (await api.get(f"/v1/detection/models/{baseline['id']}")).json()["active"] is False
        problem(await platform_api.post("/v1/detection/models", json=body), 409, "model-exists")
    finally:
        restored = await platform_api.patch(f"/v1/detection/models/{baseline['id']}", json={"active": True})
        assert restored.status_code == 200 and restored.json()["active"] is True
    assert (await api.get(f"/v1/detection/models/{model['id']}")).json()["active"] is False

    relative = problem(
        await platform_api.post("/v1/detection/models", json=body | {"version": "2", "uri": "models/x.onnx"}),
        400,
        "bad-request",
    )
    assert relative["field"] == "uri"
    inverted = body | {"version": "3", "thresholds": {"suspicious": 0.9, "alert": 0.5}}
    assert (
        problem(await platform_api.post("/v1/detection/models", json=inverted), 400, "bad-request")["field"]
        == "thresholds"
    )
    problem(
        await platform_api.post("/v1/detection/models", json=body | {"sha256": "XYZ"}),
        400,
        "validation-failed",
    )
    reader = {"Authorization": f"Bearer {caller_token(scopes=['detection'])}"}
    problem(
        await platform_api.post("/v1/detection/models", json=body | {"version": "4"}, headers=reader),
        403,
        "missing-scope",
    )
    # A project's `admin` is not an operator: the registry is every project's.
    problem(await api.post("/v1/detection/models", json=body | {"version": "5"}), 403, "missing-scope")
    problem(await api.get("/v1/detection/models/999999"), 404, "model-not-found")


async def test_detection_room_gets_exactly_one_dispatch(
    api: httpx.AsyncClient, livekit: Any, settings: Any, room_name: str
) -> None:
    agent = settings.detection.agent_name
    await _room(api, room_name, enabled=True, policy="notify", mute_seconds=60)
    # LiveKit also lists its implicit dispatch (agent name "") for automatically dispatched agents.
    dispatches = [
        (d.id, d.agent_name) for d in await livekit.list_dispatch_states(room_name) if d.agent_name == agent
    ]
    assert [name for _, name in dispatches] == [agent]
    status = (await api.get(f"/v1/rooms/{room_name}/detection")).json()
    assert status["enabled"] is True and status["status"] == "dispatched" and status["policy"] == "notify"
    assert status["dispatch_id"] == dispatches[0][0] and status["mute_seconds"] == 60
    assert status["active_models"]["audio"]["name"] == (await _baseline(api))["name"]
    assert status["model_status"]["video"] == "no video model"

    again = await api.post(f"/v1/rooms/{room_name}/detection", json={"policy": "notify", "mute_seconds": 90})
    assert again.status_code == 200 and again.json()["mute_seconds"] == 90
    ours = [d.id for d in await livekit.list_dispatch_states(room_name) if d.agent_name == agent]
    assert ours == [dispatches[0][0]]  # not a second one

    stopped = await api.delete(f"/v1/rooms/{room_name}/detection")
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    assert [d.id for d in await livekit.list_dispatch_states(room_name) if d.agent_name == agent] == []
    restarted = (await api.post(f"/v1/rooms/{room_name}/detection")).json()
    assert restarted["status"] == "dispatched"
    assert len([d.id for d in await livekit.list_dispatch_states(room_name) if d.agent_name == agent]) == 1


async def test_room_without_detection_has_no_dispatch(
    api: httpx.AsyncClient, livekit: Any, settings: Any, room_name: str
) -> None:
    await _room(api, room_name)
    agent = settings.detection.agent_name
    assert [d.id for d in await livekit.list_dispatch_states(room_name) if d.agent_name == agent] == []
    status = (await api.get(f"/v1/rooms/{room_name}/detection")).json()
    assert status["enabled"] is False and status["status"] == "stopped"
    problem(await api.delete(f"/v1/rooms/{room_name}/detection"), 404, "detection-not-found")
    problem(
        await api.post(
            "/v1/rooms", json={"name": room_name + "x", "creator": "o", "detection": {"policy": "ban"}}
        ),
        400,
        "validation-failed",
    )


async def test_only_the_worker_writes_results(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, room_name: str
) -> None:
    await _room(api, room_name, enabled=True)
    model = await _baseline(api)
    batch = {"job_id": "AJ_x", "room_sid": "RM_x", "windows": [_window("TR_a", 0, 0.1, "clear", model["id"])]}
    problem(await api.post(f"/v1/rooms/{room_name}/detections", json=batch), 403, "worker-only")
    problem(await api.get(f"/v1/rooms/{room_name}/detection/config"), 403, "worker-only")
    config = (await worker.get(f"/v1/rooms/{room_name}/detection/config")).json()
    assert config["enabled"] is True and config["audio_model"]["sha256"] == model["sha256"]
    assert config["video_model"] is None
    # The worker's credential reads nothing else: it only holds the detection scope.
    problem(await worker.get("/v1/rooms"), 403, "missing-scope")


async def test_ingest_is_idempotent_and_drives_states_events_and_alerts(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, room_name: str
) -> None:
    room = await _room(api, room_name, enabled=True, policy="notify")
    model = await _baseline(api)
    report = {
        "job_id": "AJ_1",
        "agent_identity": "roomsvc-detector-AJ_1",
        "room_sid": room["livekit_sid"],
        "tracks": [
            {"track_sid": "TR_m", "identity": "mallory", "participant_sid": "PA_mallory", "kind": "audio"}
        ],
        "models": {"audio": {"id": model["id"], "name": model["name"], "version": model["version"]}},
        "model_status": {"audio": "loaded", "video": "no video model"},
    }
    assert (await worker.post(f"/v1/rooms/{room_name}/detection/report", json=report)).status_code == 204
    status = (await api.get(f"/v1/rooms/{room_name}/detection")).json()
    assert status["status"] == "running" and status["tracks"][0]["track_sid"] == "TR_m"
    assert status["models"]["audio"]["version"] == model["version"]

    windows = [
        _window("TR_m", 0, 0.10, "clear", model["id"]),
        _window("TR_m", 2, 0.70, "suspicious", model["id"]),
        _window("TR_m", 4, 0.97, "alert", model["id"]),
        _window("TR_b", 0, 0.20, "clear", model["id"], identity="bob"),
    ]
    batch = {"job_id": "AJ_1", "room_sid": room["livekit_sid"], "windows": windows}
    first = (await worker.post(f"/v1/rooms/{room_name}/detections", json=batch)).json()
    assert first["stored"] == 4 and first["duplicates"] == 0
    assert [(a["identity"], a["action"], a["notified"]) for a in first["alerts"]] == [
        ("mallory", "notified", ["owner-1"])
    ]
    again = (await worker.post(f"/v1/rooms/{room_name}/detections", json=batch)).json()
    assert again == {"stored": 0, "duplicates": 4, "alerts": []}

    events = (await api.get("/v1/events", params={"room": room_name, "limit": 100})).json()["items"]
    changes = [e["data"] for e in events if e["type"] == "detection.state_changed"]
    assert sorted((c["from"], c["to"]) for c in changes) == [("clear", "suspicious"), ("suspicious", "alert")]
    alerts = [e["data"] for e in events if e["type"] == "detection.alert"]
    assert len(alerts) == 1
    assert alerts[0]["identity"] == "mallory" and alerts[0]["model"]["version"] == model["version"]
    assert alerts[0]["policy"] == "notify" and alerts[0]["action"] == "notified"

    listed = (await api.get(f"/v1/rooms/{room_name}/detections", params={"limit": 2})).json()
    assert len(listed["items"]) == 2 and listed["next_cursor"]
    rest = (
        await api.get(
            f"/v1/rooms/{room_name}/detections", params={"limit": 2, "cursor": listed["next_cursor"]}
        )
    ).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    ids = [d["id"] for d in listed["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)
    item = listed["items"][0]
    assert item["model"] == {"id": model["id"], "name": model["name"], "version": model["version"]}
    assert item["call"] == room["livekit_sid"] and item["room"] == room_name

    alerting = (await api.get("/v1/detections", params={"room": room_name, "state": "alert"})).json()["items"]
    assert [d["score"] for d in alerting] == [pytest.approx(0.97)]
    bob = (await api.get("/v1/detections", params={"identity": "bob", "room": room_name})).json()["items"]
    assert [d["track_sid"] for d in bob] == ["TR_b"]
    since = (T0 + dt.timedelta(seconds=2)).isoformat()
    later = (await api.get(f"/v1/rooms/{room_name}/detections", params={"since": since})).json()["items"]
    assert sorted(d["score"] for d in later) == [pytest.approx(0.7), pytest.approx(0.97)]
    problem(await api.get("/v1/detections", params={"since": "2026-01-01T00:00:00"}), 400, "bad-request")

    summary = {
        p["identity"]: p
        for p in (await api.get(f"/v1/rooms/{room_name}/detection/summary")).json()["participants"]
    }
    assert summary["mallory"]["state"] == "alert" and summary["mallory"]["windows"] == 3
    assert summary["mallory"]["max_score"] == pytest.approx(0.97) and summary["mallory"]["alerts"] == 1
    assert summary["bob"]["state"] == "clear" and summary["bob"]["windows"] == 1

    # A late retry of an older window is stored but never moves the state backwards.
    late = {
        "job_id": "AJ_1",
        "room_sid": room["livekit_sid"],
        "windows": [_window("TR_m", 1, 0.05, "clear", model["id"])],
    }
    assert (await worker.post(f"/v1/rooms/{room_name}/detections", json=late)).json()["stored"] == 1
    summary = (await api.get(f"/v1/rooms/{room_name}/detection/summary")).json()["participants"]
    assert next(p for p in summary if p["identity"] == "mallory")["state"] == "alert"


async def test_ingest_refuses_what_is_not_a_real_score(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, room_name: str
) -> None:
    await _room(api, room_name, enabled=True)
    model = await _baseline(api)
    url = f"/v1/rooms/{room_name}/detections"

    def batch(**changes: Any) -> dict[str, Any]:
        return {
            "job_id": "AJ_2",
            "room_sid": "RM_2",
            "windows": [_window("TR_z", 0, 0.5, "clear", model["id"]) | changes],
        }

    problem(await worker.post(url, json=batch(score=1.5)), 400, "validation-failed")
    problem(await worker.post(url, json=batch(model_id=999_999)), 400, "bad-request")
    problem(await worker.post(url, json=batch(kind="video")), 400, "bad-request")
    problem(await worker.post(url, json=batch(window_end=T0.isoformat())), 400, "bad-request")
    problem(await worker.post(url, json=batch(window_start="2026-01-01T00:00:00")), 400, "bad-request")
    problem(
        await worker.post(url, json={"job_id": "AJ_2", "room_sid": "RM_2", "windows": []}),
        400,
        "validation-failed",
    )
    assert (await api.get(f"/v1/rooms/{room_name}/detections")).json()["items"] == []

    await api.delete(f"/v1/rooms/{room_name}/detection")
    problem(await worker.post(url, json=batch()), 409, "detection-stopped")
    report = {"job_id": "AJ_2", "agent_identity": "roomsvc-detector-AJ_2", "room_sid": "RM_2"}
    problem(
        await worker.post(f"/v1/rooms/{room_name}/detection/report", json=report), 409, "detection-stopped"
    )


async def test_the_largest_batch_the_document_allows_is_stored_not_413(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, room_name: str
) -> None:
    """Found by `make fuzz` ("schema validation mismatch"): 500 windows, the document's maxItems, with long
    identities and sids are about 190 kB, and ROOMSVC_MAX_BODY_BYTES (64 KiB) refused them with 413."""
    from roomsvc.detection.schemas import MAX_BATCH_WINDOWS

    await _room(api, room_name, enabled=True)
    model = await _baseline(api)
    identity = "m" * 120 + uuid.uuid4().hex[:8]
    track = f"TR_{uuid.uuid4().hex}".ljust(64, "x")
    windows = [
        _window(track, 2 * n, 0.1, "clear", model["id"], identity=identity, participant_sid="P" * 64)
        for n in range(MAX_BATCH_WINDOWS)
    ]
    batch = {"job_id": "AJ_big", "room_sid": "R" * 64, "windows": windows}
    response = await worker.post(f"/v1/rooms/{room_name}/detections", json=batch)
    assert len(response.request.content) > 65536
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == MAX_BATCH_WINDOWS
    summary = (await api.get(f"/v1/rooms/{room_name}/detection/summary")).json()["participants"]
    assert [(p["identity"], p["windows"]) for p in summary] == [(identity, MAX_BATCH_WINDOWS)]


async def test_a_report_counts_no_more_drops_than_the_column_holds(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, room_name: str
) -> None:
    """Found by fuzzing: `dropped` past a signed 32-bit INT was a 500 (MariaDB "Out of range value")."""
    await _room(api, room_name, enabled=True)
    url = f"/v1/rooms/{room_name}/detection/report"
    report = {"job_id": "AJ_3", "agent_identity": "roomsvc-detector-AJ_3", "room_sid": "RM_3"}
    problem(await worker.post(url, json=report | {"dropped": 2**31}), 400, "validation-failed")
    assert (await worker.post(url, json=report | {"dropped": 2**31 - 1})).status_code == 204
    status = (await api.get(f"/v1/rooms/{room_name}/detection")).json()
    assert status["status"] == "running" and status["dropped"] == 2**31 - 1
