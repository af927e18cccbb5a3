"""The worker's API client maps HTTP outcomes to what the worker does next (fake transport at the port)."""

from __future__ import annotations

import datetime as dt

import httpx
import jwt
import pytest

from roomsvc.agent.client import ApiRejected, ApiUnavailable, DetectionStopped, WorkerApi
from roomsvc.detection.schemas import WindowBatch, WindowIn, WorkerReport

SECRET = "s" * 40


def _api(handler: httpx.MockTransport) -> WorkerApi:
    return WorkerApi(
        "http://api.test",
        credential_id="cred_worker",
        secret=SECRET,
        audience="roomsvc",
        project="acme",
        transport=handler,
    )


def _batch() -> WindowBatch:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    window = WindowIn(
        identity="a",
        participant_sid="PA_1",
        track_sid="TR_1",
        kind="audio",
        window_start=now,
        window_end=now + dt.timedelta(seconds=4),
        score=0.5,
        smoothed_score=0.5,
        state="clear",
        model_id=1,
    )
    return WindowBatch(job_id="AJ_1", room_sid="RM_1", windows=[window])


async def test_requests_are_signed_as_the_worker_and_name_the_rooms_project() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"stored": 1, "duplicates": 0, "alerts": []})

    api = _api(httpx.MockTransport(handler))
    result = await api.post_windows("r1", _batch())
    await api.aclose()
    assert result.stored == 1
    token = seen[0].headers["authorization"].split()[1]
    assert jwt.get_unverified_header(token)["kid"] == "cred_worker"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="roomsvc")
    assert claims["scope"] == "detection platform"  # one worker serves every project
    assert seen[0].headers["roomsvc-project"] == "acme"
    assert seen[0].url.path == "/v1/rooms/r1/detections"


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (409, {"code": "detection-stopped"}, DetectionStopped),
        (404, {"code": "room-not-found"}, DetectionStopped),
        (503, {"code": "database-unavailable"}, ApiUnavailable),
        (429, {"code": "rate-limited"}, ApiUnavailable),
        (400, {"code": "validation-failed"}, ApiRejected),
        (403, {"code": "worker-only"}, ApiRejected),
    ],
)
async def test_outcomes(status: int, body: dict[str, str], error: type[Exception]) -> None:
    api = _api(httpx.MockTransport(lambda request: httpx.Response(status, json=body)))
    report = WorkerReport(job_id="AJ_1", agent_identity="roomsvc-detector-AJ_1", room_sid="RM_1")
    with pytest.raises(error):
        await api.report("r1", report)
    await api.aclose()


async def test_transport_errors_are_retryable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    api = _api(httpx.MockTransport(handler))
    with pytest.raises(ApiUnavailable):
        await api.config("r1")
    await api.aclose()
