"""Recordings API on the real stack: MariaDB, LiveKit (dispatches), real storage (ROOMSVC_RECORDING_STORAGE).

The recorder agent is not part of these tests: they drive its protocol (``/v1/recordings/{id}/worker/…``)
with the worker credential, as tests/integration/test_detection_api.py does for the detection worker, and
write the files through the same storage the API reads them from.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from roomsvc.recordings import jobs as recording_jobs
from roomsvc.recordings.models import Recording
from roomsvc.recordings.storage import RecordingStorage, S3Storage, create_storage
from roomsvc.recordings.storage.interface import ObjectNotFound
from tests.support import problem

PAYLOAD = os.urandom(300_000)  # stands in for an encoded file: the API moves bytes, it does not decode


@pytest.fixture(scope="module")
async def worker(api_server: str, settings: Any, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the recorder sees it: signed with the worker credential (scope recording)."""
    token = caller_token(
        scopes=["recording"],
        ttl=3600,
        credential_id=settings.detection.worker_credential_id,
        secret=settings.detection.worker_credential_secret,
    )
    async with httpx.AsyncClient(
        base_url=api_server, headers={"Authorization": f"Bearer {token}"}, timeout=20
    ) as client:
        yield client


@pytest.fixture
async def storage(settings: Any) -> AsyncIterator[RecordingStorage]:
    """The storage the API process uses (same settings, same directory or bucket)."""
    store = create_storage(settings.recording_storage)
    yield store
    await store.aclose()


async def _room(api: httpx.AsyncClient, name: str, **extra: Any) -> None:
    created = await api.post("/v1/rooms", json={"name": name, "creator": "alice", **extra})
    assert created.status_code == 201, created.text


async def _start(api: httpx.AsyncClient, room: str, kind: str = "room_audio", **extra: Any) -> dict[str, Any]:
    started = await api.post(f"/v1/rooms/{room}/recordings", json={"kind": kind, **extra})
    assert started.status_code == 201, started.text
    return started.json()  # type: ignore[no-any-return]


async def _events(api: httpx.AsyncClient, room: str, recording_id: str) -> list[dict[str, Any]]:
    items = (await api.get("/v1/events", params={"room": room, "limit": 100})).json()["items"]
    ours = [
        e for e in items if e["type"].startswith("recording.") and e["data"]["recording_id"] == recording_id
    ]
    return ours[::-1]  # the listing is newest first


async def _write(storage: RecordingStorage, key: str, data: bytes, *, close: bool = True) -> Any:
    writer = await storage.open_writer(key, "audio/ogg")
    for offset in range(0, len(data), 64_000):
        await writer.write(data[offset : offset + 64_000])
    if close:
        return await writer.close()
    await writer.flush()  # durable, as a recorder that is then killed would have left it
    return writer


async def test_start_dispatches_the_recorder_in_livekit_and_refuses_a_second(
    api: httpx.AsyncClient, livekit: Any, settings: Any, room_name: str
) -> None:
    await _room(api, room_name)
    first = await _start(api, room_name, actor="alice")
    assert first["id"].startswith("rec_") and first["state"] == "starting"
    assert first["kind"] == "room_audio" and first["backend"] == "agent" and first["actor"] == "alice"
    assert first["key_prefix"] == f"default/{first['id']}" and first["dispatch_id"]
    dispatches = await livekit.list_dispatch_details(room_name)
    ours = [(d, m) for d, name, m in dispatches if name == settings.recording.agent_name]
    assert [d for d, _ in ours] == [first["dispatch_id"]]
    job = json.loads(ours[0][1])
    assert job == {
        "recording_id": first["id"],
        "project": "default",
        "room": room_name,
        "kind": "room_audio",
        "identities": [],
        "track_sids": [],
        "key_prefix": first["key_prefix"],
    }

    second = problem(
        await api.post(f"/v1/rooms/{room_name}/recordings", json={"kind": "room_audio"}),
        409,
        "recording-running",
    )
    assert second["recording_id"] == first["id"]
    other_kind = await _start(api, room_name, "tracks", identities=["bob"])
    assert other_kind["identities"] == ["bob"] and other_kind["id"] != first["id"]
    listed = (await api.get("/v1/recordings", params={"room": room_name, "state": "starting"})).json()
    assert [r["id"] for r in listed["items"]] == [other_kind["id"], first["id"]]
    page = (await api.get("/v1/recordings", params={"room": room_name, "limit": 1})).json()
    assert [r["id"] for r in page["items"]] == [other_kind["id"]] and page["next_cursor"]
    rest = (await api.get("/v1/recordings", params={"room": room_name, "cursor": page["next_cursor"]})).json()
    assert [r["id"] for r in rest["items"]] == [first["id"]]
    kinds = (await api.get("/v1/recordings", params={"room": room_name, "kind": "tracks"})).json()["items"]
    assert [r["id"] for r in kinds] == [other_kind["id"]]


async def test_concurrent_starts_make_exactly_one_recording(api: httpx.AsyncClient, room_name: str) -> None:
    await _room(api, room_name)
    answers = await asyncio.gather(
        *(api.post(f"/v1/rooms/{room_name}/recordings", json={"kind": "room_audio"}) for _ in range(5))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409], [a.text for a in answers]
    winner = next(a.json() for a in answers if a.status_code == 201)
    for loser in (a for a in answers if a.status_code == 409):
        assert problem(loser, 409, "recording-running")["recording_id"] == winner["id"]
    listed = (await api.get("/v1/recordings", params={"room": room_name})).json()["items"]
    assert [r["id"] for r in listed] == [winner["id"]]


async def test_stop_is_idempotent_and_emits_one_stopped_event(api: httpx.AsyncClient, room_name: str) -> None:
    await _room(api, room_name)
    recording = await _start(api, room_name)
    first = await api.post(f"/v1/recordings/{recording['id']}/stop")
    second = await api.post(f"/v1/recordings/{recording['id']}/stop")
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.json()["state"] == second.json()["state"] == "stopping"
    assert first.json()["stop_reason"] == "requested" and first.json() == second.json()
    stopped = [e for e in await _events(api, room_name, recording["id"]) if e["type"] == "recording.stopped"]
    assert len(stopped) == 1 and stopped[0]["data"]["reason"] == "requested"
    problem(await api.delete(f"/v1/recordings/{recording['id']}"), 409, "recording-active")
    # While it is stopping it is still active: no second recording of its kind yet.
    problem(
        await api.post(f"/v1/rooms/{room_name}/recordings", json={"kind": "room_audio"}),
        409,
        "recording-running",
    )


async def test_reports_make_it_ready_and_the_file_downloads_with_ranges(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, storage: RecordingStorage, room_name: str
) -> None:
    await _room(api, room_name)
    recording = await _start(api, room_name)
    rid, key = recording["id"], f"{recording['key_prefix']}/room.ogg"
    base = f"/v1/recordings/{rid}/worker"

    started = await worker.post(f"{base}/started", json={"agent_identity": "agent-AJ_1", "room_sid": "RM_x"})
    assert started.status_code == 200 and started.json()["state"] == "recording", started.text
    assert (await worker.post(f"{base}/started", json={})).json()["state"] == "recording"  # a retry
    opened = await worker.post(
        f"{base}/file-opened", json={"key": key, "kind": "mix", "content_type": "audio/ogg"}
    )
    assert opened.status_code == 200 and opened.json()["state"] == "writing", opened.text
    again = await worker.post(
        f"{base}/file-opened", json={"key": key, "kind": "mix", "content_type": "audio/ogg"}
    )
    assert again.json()["id"] == opened.json()["id"]
    stored = await _write(storage, key, PAYLOAD)
    beat = await worker.post(f"{base}/heartbeat", json={"files": [{"key": key, "size": len(PAYLOAD)}]})
    assert beat.json()["state"] == "recording" and beat.json()["bytes_written"] == len(PAYLOAD)
    assert (await api.get(f"/v1/recordings/{rid}/file")).status_code == 404  # not ready yet

    stopped = await api.post(f"/v1/recordings/{rid}/stop")
    assert stopped.json()["state"] == "stopping"
    assert (await worker.post(f"{base}/heartbeat", json={})).json()["state"] == "stopping"  # told to stop
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    assert stored.sha256 == digest
    finished_file = {
        "key": key,
        "size": len(PAYLOAD),
        "sha256": digest,
        "duration_s": 12.5,
        "location": stored.location,
    }
    assert (await worker.post(f"{base}/file-finished", json=finished_file)).json()["state"] == "ready"
    assert (await worker.post(f"{base}/file-finished", json=finished_file)).status_code == 200  # a retry
    done = await worker.post(f"{base}/finished", json={})
    assert done.status_code == 200 and done.json()["state"] == "ready", done.text
    assert (await worker.post(f"{base}/finished", json={})).json()["state"] == "ready"  # a retry
    got = (await api.get(f"/v1/recordings/{rid}")).json()
    assert got["size"] == len(PAYLOAD) and got["duration_s"] == 12.5 and got["ended_at"]
    assert [(f["key"], f["sha256"], f["state"]) for f in got["files"]] == [(key, digest, "ready")]

    types = [e["type"] for e in await _events(api, room_name, rid)]
    assert types == ["recording.started", "recording.stopped", "recording.ready"]
    ready = (await _events(api, room_name, rid))[-1]["data"]
    assert ready["size"] == len(PAYLOAD) and ready["sha256"] == digest and ready["partial"] is False
    assert ready["location"] == stored.location and ready["duration_s"] == 12.5

    whole = await api.get(f"/v1/recordings/{rid}/file")
    assert whole.status_code == 200 and whole.content == PAYLOAD
    assert whole.headers["etag"] == f'"{digest}"' and whole.headers["roomsvc-recording-partial"] == "false"
    assert whole.headers["repr-digest"] == f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    assert whole.headers["content-type"].startswith("audio/ogg")
    part = await api.get(f"/v1/recordings/{rid}/file", headers={"Range": "bytes=1000-70999"})
    assert part.status_code == 206 and part.content == PAYLOAD[1000:71000]
    assert part.headers["content-range"] == f"bytes 1000-70999/{len(PAYLOAD)}"
    tail = await api.get(f"/v1/recordings/{rid}/file", headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == PAYLOAD[-100:]
    beyond = await api.get(f"/v1/recordings/{rid}/file", headers={"Range": f"bytes={len(PAYLOAD)}-"})
    problem(beyond, 416, "range-not-satisfiable")
    assert beyond.headers["content-range"] == f"bytes */{len(PAYLOAD)}"
    local = await api.get(f"/v1/recordings/{rid}/file", params={"redirect": "true"})
    if storage.kind == "s3":
        assert local.status_code == 307 and local.headers["location"].startswith("http")
        async with httpx.AsyncClient() as plain:
            assert (await plain.get(local.headers["location"])).content == PAYLOAD
    else:
        assert local.status_code == 200 and local.content == PAYLOAD
    problem(
        await api.get(f"/v1/recordings/{rid}/file", params={"file": "recf_nope"}),
        404,
        "recording-file-not-found",
    )

    assert (await api.delete(f"/v1/recordings/{rid}")).status_code == 204
    problem(await api.get(f"/v1/recordings/{rid}"), 404, "recording-not-found")
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)


async def test_bad_input_is_refused_naming_the_field(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, room_name: str
) -> None:
    await _room(api, room_name)
    url = f"/v1/rooms/{room_name}/recordings"
    cases = [
        ("kind", {}),
        ("kind", {"kind": "video"}),
        ("identities", {"kind": "tracks", "identities": ["no spaces"]}),
        ("track_sids", {"kind": "tracks", "track_sids": ["not-a-sid"]}),
        ("storage.prefix", {"kind": "tracks", "storage": {"prefix": "../etc"}}),
    ]
    for field, body in cases:
        answer = problem(await api.post(url, json=body), 400, "validation-failed")
        assert field in answer["detail"], (field, answer)
    dots = problem(
        await api.post(url, json={"kind": "tracks", "storage": {"prefix": "a..b"}}), 400, "bad-request"
    )
    assert dots["field"] == "storage.prefix"
    problem(
        await api.post("/v1/rooms/no-such-room/recordings", json={"kind": "tracks"}), 404, "room-not-found"
    )
    problem(await api.get("/v1/recordings", params={"state": "paused"}), 400, "validation-failed")

    recording = await _start(api, room_name, "tracks")
    base = f"/v1/recordings/{recording['id']}/worker"
    outside = await worker.post(
        f"{base}/file-opened",
        json={"key": "default/other/x.ogg", "kind": "audio", "content_type": "audio/ogg"},
    )
    assert problem(outside, 400, "bad-request")["field"] == "key"
    problem(
        await api.post(f"{base}/started", json={}), 403, "worker-only"
    )  # the dev credential is not the worker
    problem(await worker.post(f"{base}/failed", json={}), 400, "validation-failed")
    problem(await worker.post("/v1/recordings/rec_nope/worker/started", json={}), 404, "recording-not-found")
    failed = await worker.post(f"{base}/failed", json={"reason": "encoder crashed"})
    assert failed.json()["state"] == "failed" and failed.json()["failure_reason"] == "encoder crashed"
    assert [e["type"] for e in await _events(api, room_name, recording["id"])] == [
        "recording.stopped",
        "recording.failed",
    ]


async def test_the_recording_scope_is_required(
    api: httpx.AsyncClient, room_name: str, caller_token: Any
) -> None:
    """(Other projects: tests/e2e/test_projects.py walks every route with another project's credential.)"""
    await _room(api, room_name)
    recording = await _start(api, room_name)
    token = caller_token(scopes=["recording"], ttl=600)
    headers = {"Authorization": f"Bearer {token}"}
    # The same credential with only `recording` still sees it: the scope is enough.
    assert (await api.get(f"/v1/recordings/{recording['id']}", headers=headers)).status_code == 200
    no_scope = await api.get(
        f"/v1/recordings/{recording['id']}",
        headers={"Authorization": f"Bearer {caller_token(scopes=['rooms:read'])}"},
    )
    problem(no_scope, 403, "missing-scope")


async def test_the_room_ending_stops_its_recordings(api: httpx.AsyncClient, room_name: str) -> None:
    await _room(api, room_name)
    audio = await _start(api, room_name)
    tracks = await _start(api, room_name, "tracks")
    assert (await api.post(f"/v1/rooms/{room_name}/end", json={"reason": "done"})).status_code == 200
    for recording in (audio, tracks):
        got = (await api.get(f"/v1/recordings/{recording['id']}")).json()
        assert got["state"] == "stopping" and got["stop_reason"] == "room_ended" and got["stopped_at"]
    problem(await api.post(f"/v1/rooms/{room_name}/recordings", json={"kind": "tracks"}), 409, "room-ended")


async def _stale(session_factory: Any, recording_id: str) -> None:
    """As if the recorder had stopped reporting an hour ago."""
    async with session_factory() as session, session.begin():
        await session.execute(
            update(Recording)
            .where(Recording.public_id == recording_id)
            .values(heartbeat_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        )  # (the shared jobs process sweeps only after ROOMSVC_RECORDING_STALE_SECONDS, a day in tests)


async def _sweep(session_factory: Any, storage: RecordingStorage) -> int:
    async with session_factory() as session, session.begin():
        return await recording_jobs.sweep_stale(
            session, storage=storage, stale_seconds=1800, storage_timeout=5
        )


async def test_a_recorder_that_stops_reporting_leaves_a_partial_playable_file(
    api: httpx.AsyncClient,
    worker: httpx.AsyncClient,
    storage: RecordingStorage,
    session_factory: Any,
    room_name: str,
) -> None:
    await _room(api, room_name)
    recording = await _start(api, room_name)
    rid, key = recording["id"], f"{recording['key_prefix']}/room.ogg"
    base = f"/v1/recordings/{rid}/worker"
    assert (await worker.post(f"{base}/started", json={})).status_code == 200
    opened = await worker.post(
        f"{base}/file-opened", json={"key": key, "kind": "mix", "content_type": "audio/ogg"}
    )
    assert opened.status_code == 200, opened.text
    writer = await _write(storage, key, PAYLOAD, close=False)  # killed before close(): no object yet
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)
    try:
        await _stale(session_factory, rid)
        assert await _sweep(session_factory, storage) >= 1
    finally:
        del writer  # never closed, as a killed recorder's

    got = (await api.get(f"/v1/recordings/{rid}")).json()
    assert (
        got["state"] == "partial"
        and got["stop_reason"] == "stale"
        and "stopped reporting" in got["failure_reason"]
    )
    (file,) = got["files"]
    assert file["state"] == "partial" and file["size"] > 0 and file["size"] <= len(PAYLOAD)
    downloaded = await api.get(f"/v1/recordings/{rid}/file")
    assert downloaded.status_code == 200 and downloaded.headers["roomsvc-recording-partial"] == "true"
    assert downloaded.content == PAYLOAD[: file["size"]]  # the durable prefix, byte for byte
    assert hashlib.sha256(downloaded.content).hexdigest() == file["sha256"]
    events = await _events(api, room_name, rid)
    assert [e["type"] for e in events] == ["recording.started", "recording.stopped", "recording.ready"]
    assert events[1]["data"]["reason"] == "stale" and events[2]["data"]["partial"] is True
    assert (await api.delete(f"/v1/recordings/{rid}")).status_code == 204


async def test_storage_unavailable_during_recovery_fails_the_recording_with_the_reason(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    recording = await _start(api, room_name)
    rid, key = recording["id"], f"{recording['key_prefix']}/room.ogg"
    base = f"/v1/recordings/{rid}/worker"
    assert (await worker.post(f"{base}/started", json={})).status_code == 200
    assert (
        await worker.post(
            f"{base}/file-opened", json={"key": key, "kind": "mix", "content_type": "audio/ogg"}
        )
    ).status_code == 200
    # A real S3 client against an endpoint where nothing listens: storage is down.
    down = S3Storage(
        endpoint="http://127.0.0.1:9",
        region="us-east-1",
        bucket="roomsvc-recordings",
        access_key="nobody",
        secret_key="nobody-secret-0123456789",
        part_size=5 * 1024 * 1024,
    )
    try:
        await _stale(session_factory, rid)
        await _sweep(session_factory, down)
    finally:
        await down.aclose()
    got = (await api.get(f"/v1/recordings/{rid}")).json()
    assert got["state"] == "failed" and "storage" in got["failure_reason"], got
    assert got["files"][0]["state"] == "failed"
    failed = [e for e in await _events(api, room_name, rid) if e["type"] == "recording.failed"]
    assert len(failed) == 1 and failed[0]["data"]["reason"] == got["failure_reason"]


async def test_a_recorder_that_never_comes_fails_the_recording(
    api: httpx.AsyncClient, storage: RecordingStorage, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    recording = await _start(api, room_name)
    await _stale(session_factory, recording["id"])
    await _sweep(session_factory, storage)
    got = (await api.get(f"/v1/recordings/{recording['id']}")).json()
    assert got["state"] == "failed" and "never reported" in got["failure_reason"]
    assert (await _start(api, room_name))["id"] != recording["id"]  # the room may record again


async def test_retention_deletes_old_recordings_and_their_files(
    api: httpx.AsyncClient,
    worker: httpx.AsyncClient,
    storage: RecordingStorage,
    session_factory: Any,
    room_name: str,
) -> None:
    await _room(api, room_name)
    recording = await _start(api, room_name)
    rid, key = recording["id"], f"{recording['key_prefix']}/room.ogg"
    base = f"/v1/recordings/{rid}/worker"
    await worker.post(f"{base}/file-opened", json={"key": key, "kind": "mix", "content_type": "audio/ogg"})
    stored = await _write(storage, key, b"OggS" + os.urandom(1000))
    await worker.post(
        f"{base}/file-finished", json={"key": key, "size": stored.size, "sha256": stored.sha256}
    )
    assert (await worker.post(f"{base}/finished", json={})).json()["state"] == "ready"
    async with session_factory() as session, session.begin():
        await session.execute(
            update(Recording)
            .where(Recording.public_id == rid)
            .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
        )
    async with session_factory() as session, session.begin():
        assert await recording_jobs.purge_old(session, storage=storage, days=30, batch=100) >= 1
    problem(await api.get(f"/v1/recordings/{rid}"), 404, "recording-not-found")
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)


async def test_on_s3_the_file_downloads_with_ranges_and_a_presigned_redirect(
    make_client: Any, caller_token: Any, settings: Any, room_name: str
) -> None:
    """The same routes with ROOMSVC_RECORDING_STORAGE=s3: the stack's real S3 server (versitygw)."""
    from roomsvc.config import load_settings

    s3_settings = load_settings(dict(os.environ) | {"ROOMSVC_RECORDING_STORAGE": "s3"}).recording_storage
    store = create_storage(s3_settings)
    worker_token = caller_token(
        scopes=["recording"],
        credential_id=settings.detection.worker_credential_id,
        secret=settings.detection.worker_credential_secret,
    )
    as_worker = {"Authorization": f"Bearer {worker_token}"}
    try:
        async with make_client(ROOMSVC_RECORDING_STORAGE="s3") as client:
            await _room(client, room_name)
            recording = await _start(client, room_name)
            assert recording["storage"] == "s3"
            rid, key = recording["id"], f"{recording['key_prefix']}/room.ogg"
            base = f"/v1/recordings/{rid}/worker"
            opened = await client.post(
                f"{base}/file-opened",
                json={"key": key, "kind": "mix", "content_type": "audio/ogg"},
                headers=as_worker,
            )
            assert opened.status_code == 200, opened.text
            stored = await _write(store, key, PAYLOAD)
            finished_file = {"key": key, "size": stored.size, "sha256": stored.sha256}
            assert (
                await client.post(f"{base}/file-finished", json=finished_file, headers=as_worker)
            ).is_success
            done = await client.post(f"{base}/finished", json={}, headers=as_worker)
            assert done.json()["state"] == "ready", done.text

            whole = await client.get(f"/v1/recordings/{rid}/file")
            assert whole.status_code == 200 and whole.content == PAYLOAD
            part = await client.get(f"/v1/recordings/{rid}/file", headers={"Range": "bytes=5-1004"})
            assert part.status_code == 206 and part.content == PAYLOAD[5:1005]
            redirect = await client.get(
                f"/v1/recordings/{rid}/file", params={"redirect": "true"}, follow_redirects=False
            )
            assert redirect.status_code == 307, redirect.text
            assert redirect.headers["location"].startswith(s3_settings.s3_endpoint)
            async with httpx.AsyncClient() as anonymous:  # no credentials: the URL is signed
                fetched = await anonymous.get(redirect.headers["location"])
            assert fetched.status_code == 200 and fetched.content == PAYLOAD
            assert (await client.delete(f"/v1/recordings/{rid}")).status_code == 204
        with pytest.raises(ObjectNotFound):
            await store.stat(key)
    finally:
        await store.aclose()


async def test_a_recording_of_several_files_needs_the_file_named(
    api: httpx.AsyncClient, worker: httpx.AsyncClient, storage: RecordingStorage, room_name: str
) -> None:
    await _room(api, room_name)
    recording = await _start(api, room_name, kind="tracks")
    rid, base = recording["id"], f"/v1/recordings/{recording['id']}/worker"
    assert (await worker.post(f"{base}/started", json={})).status_code == 200
    huge = {"key": f"{recording['key_prefix']}/x.ogg", "size": 1, "sha256": "0" * 64, "duration_s": 1e308}
    refused = problem(await worker.post(f"{base}/file-finished", json=huge), 400, "validation-failed")
    assert "duration_s" in str(refused)  # a fuzzer's 6e307 s once reached MariaDB as a 500
    for name in ("TR_a-alice.ogg", "TR_b-bob.ogg"):
        key = f"{recording['key_prefix']}/{name}"
        opened = await worker.post(
            f"{base}/file-opened", json={"key": key, "kind": "audio", "content_type": "audio/ogg"}
        )
        assert opened.status_code == 200, opened.text
        stored = await _write(storage, key, PAYLOAD + name.encode())
        report = {"key": key, "size": stored.size, "sha256": stored.sha256, "location": stored.location}
        assert (await worker.post(f"{base}/file-finished", json=report)).status_code == 200
    assert (await worker.post(f"{base}/finished", json={})).json()["state"] == "ready"
    files = (await api.get(f"/v1/recordings/{rid}")).json()["files"]
    body = problem(await api.get(f"/v1/recordings/{rid}/file"), 409, "recording-has-several-files")
    assert all(f["id"] in body["detail"] for f in files) and body["field"] == "file"
    second = await api.get(f"/v1/recordings/{rid}/file", params={"file": files[1]["id"]})
    assert (
        second.status_code == 200 and second.content == PAYLOAD + files[1]["key"].rsplit("/", 1)[1].encode()
    )
