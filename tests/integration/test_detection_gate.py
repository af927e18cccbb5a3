"""The safety gate on automatic detection actions (issue 15), on the real stack.

``mute``/``kick`` are refused (409 naming ``policy`` and ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM) while the
active model's card declares no validated rates (the shipped baseline), allowed with a model whose registry
row records validated rates, refused again where the action is taken when the alert comes from an
unvalidated model, and an operator's per-project override is recorded with who, when and why.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from roomsvc.credentials.models import Project
from roomsvc.detection import registry
from roomsvc.detection.records import GateOverride
from tests.support import problem, project_client, validated_audio_model

SETTING = "ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM"


@pytest.fixture(scope="module")
async def worker(api_server: str, settings: Any, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
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
    card = next(c for c in registry.builtin_cards() if c.kind == "audio" and c.name == "audio-baseline")
    models = (await api.get("/v1/detection/models", params={"kind": "audio"})).json()["items"]
    return next(m for m in models if (m["name"], m["version"]) == (card.name, card.version))


@pytest.fixture
async def baseline_active(platform_api: httpx.AsyncClient) -> AsyncIterator[dict[str, Any]]:
    """The shipped baseline as the active audio model (what every install starts with)."""
    baseline = await _baseline(platform_api)
    active = (await platform_api.get("/v1/detection/models", params={"active": True})).json()["items"]
    response = await platform_api.patch(f"/v1/detection/models/{baseline['id']}", json={"active": True})
    assert response.status_code == 200, response.text
    yield response.json()
    for model in active:  # give any other active model its place back
        await platform_api.patch(f"/v1/detection/models/{model['id']}", json={"active": True})


def _create(name: str, policy: str) -> dict[str, Any]:
    return {"name": name, "creator": "owner-1", "call_type": "audio", "detection": {"policy": policy}}


async def test_mute_and_kick_are_refused_with_the_shipped_baseline(
    api: httpx.AsyncClient, baseline_active: dict[str, Any], room_name: str
) -> None:
    assert baseline_active["gate"]["actions_allowed"] is False
    assert baseline_active["deployed_validation"] is None
    assert "no validated false-alarm rates" in baseline_active["gate"]["reason"]
    for policy in ("mute", "kick"):
        body = problem(
            await api.post("/v1/rooms", json=_create(room_name, policy)),
            409,
            "detection-actions-not-validated",
        )
        assert body["field"] == "policy" and body["setting"] == SETTING
        assert SETTING in body["detail"] and "audio-baseline@1" in body["detail"]
    assert (await api.get(f"/v1/rooms/{room_name}")).status_code == 404  # nothing was created

    # notify always works, and a running room cannot be switched to an action either.
    created = await api.post("/v1/rooms", json=_create(room_name, "notify"))
    assert created.status_code == 201, created.text
    problem(
        await api.post(f"/v1/rooms/{room_name}/detection", json={"policy": "kick"}),
        409,
        "detection-actions-not-validated",
    )
    status = (await api.get(f"/v1/rooms/{room_name}/detection")).json()
    assert status["policy"] == "notify"


async def test_mute_is_allowed_with_a_model_whose_card_declares_validated_rates(
    api: httpx.AsyncClient, platform_api: httpx.AsyncClient, session_factory: Any, room_name: str
) -> None:
    async with validated_audio_model(platform_api, session_factory) as model:
        assert model["gate"] == {"actions_allowed": True, "reason": "", "max_false_alarm": 0.005}
        declared = model["deployed_validation"]
        assert declared["window_false_alarm_at_alert"] == {"rate": 0.002, "ci95": [0.0, 0.004]}
        assert declared["track_false_alerts_per_hour"]["rate"] == 0.05
        assert declared["validated_by"] == "tests" and declared["validated_at"] == "2026-12-04T00:00:00Z"
        created = await api.post("/v1/rooms", json=_create(room_name, "mute"))
        assert created.status_code == 201, created.text
        assert (await api.get(f"/v1/rooms/{room_name}/detection")).json()["policy"] == "mute"

        # New thresholds void the validation: rates measured at other thresholds say nothing.
        patched = await platform_api.patch(
            f"/v1/detection/models/{model['id']}", json={"thresholds": {"suspicious": 0.5, "alert": 0.6}}
        )
        assert patched.status_code == 200 and patched.json()["gate"]["actions_allowed"] is False
        assert "alert threshold" in patched.json()["gate"]["reason"]
        problem(
            await api.post(f"/v1/rooms/{room_name}/detection", json={"policy": "kick"}),
            409,
            "detection-actions-not-validated",
        )


async def test_an_alert_from_an_unvalidated_model_never_acts(
    api: httpx.AsyncClient,
    platform_api: httpx.AsyncClient,
    worker: httpx.AsyncClient,
    session_factory: Any,
    room_name: str,
) -> None:
    """Defence in depth: the policy was allowed, but the alerting window names the unvalidated baseline
    (an older job, a model changed since): nobody is muted, the owner is still told."""
    baseline = await _baseline(platform_api)
    async with validated_audio_model(platform_api, session_factory):
        created = await api.post("/v1/rooms", json=_create(room_name, "mute"))
        assert created.status_code == 201, created.text
        start = dt.datetime.now(dt.UTC)
        window = {
            "identity": "mallory",
            "participant_sid": "PA_mallory",
            "track_sid": "TR_" + uuid.uuid4().hex[:12],
            "kind": "audio",
            "window_start": start.isoformat(),
            "window_end": (start + dt.timedelta(seconds=4)).isoformat(),
            "score": 0.99,
            "smoothed_score": 0.99,
            "state": "alert",
            "model_id": baseline["id"],
        }
        batch = {
            "job_id": "AJ_gate",
            "room_sid": created.json()["livekit_sid"] or "RM_x",
            "windows": [window],
        }
        response = await worker.post(f"/v1/rooms/{room_name}/detections", json=batch)
        assert response.status_code == 200, response.text
    [alert] = response.json()["alerts"]
    assert alert["policy"] == "mute" and alert["action"].startswith("refused: ")
    assert SETTING in alert["action"]
    moderation = (await api.get(f"/v1/rooms/{room_name}/participants/mallory/moderation")).json()
    assert moderation["is_muted"] is False
    events = (await api.get("/v1/events", params={"room": room_name, "type": "detection.alert"})).json()[
        "items"
    ]
    assert events and events[0]["data"]["action"].startswith("refused: ")


def _cli(stack_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roomsvc", "detection", *args],
        env=os.environ | stack_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_operator_override_is_per_project_and_audited(
    api: httpx.AsyncClient,
    api_server: str,
    baseline_active: dict[str, Any],
    session_factory: Any,
    settings: Any,
    stack_env: dict[str, str],
    room_name: str,
) -> None:
    project = "gate-" + uuid.uuid4().hex[:8]
    async with project_client(api_server, session_factory, settings, project) as other:
        problem(
            await other.post("/v1/rooms", json=_create(room_name, "mute")),
            409,
            "detection-actions-not-validated",
        )
        missing = _cli(stack_env, "allow-unvalidated-actions", "--project", project, "--reason", " ")
        assert missing.returncode == 1 and "reason" in missing.stderr

        granted = _cli(
            stack_env,
            "allow-unvalidated-actions",
            "--project",
            project,
            "--reason",
            "pilot with human review of every alert",
            "--actor",
            "ops-alice",
        )
        assert granted.returncode == 0, granted.stderr
        assert "ALLOWED" in granted.stdout
        created = await other.post("/v1/rooms", json=_create(room_name, "mute"))
        assert created.status_code == 201, created.text
        # Another project is not affected by this one's override.
        problem(
            await api.post("/v1/rooms", json=_create(room_name + "-d", "mute")),
            409,
            "detection-actions-not-validated",
        )

        revoked = _cli(
            stack_env, "allow-unvalidated-actions", "--project", project, "--revoke", "--reason", "pilot over"
        )
        assert revoked.returncode == 0, revoked.stderr
        problem(
            await other.post(f"/v1/rooms/{room_name}/detection", json={"policy": "kick"}),
            409,
            "detection-actions-not-validated",
        )
    async with session_factory() as session:
        project_id = (
            await session.execute(select(Project.id).where(Project.public_id == project))
        ).scalar_one()
        rows = (
            await session.execute(
                select(GateOverride).where(GateOverride.project_id == project_id).order_by(GateOverride.id)
            )
        ).scalars()
        trail = [(r.allowed, r.actor, r.reason) for r in rows]
    assert [(allowed, reason) for allowed, _, reason in trail] == [
        (True, "pilot with human review of every alert"),
        (False, "pilot over"),
    ]
    assert trail[0][1] == "ops-alice" and trail[1][1]  # who: given, or the operator's OS user
    history = _cli(stack_env, "gate", "--project", project)
    assert (
        history.returncode == 0
        and "pilot with human review" in history.stdout
        and "refused" in history.stdout
    )
