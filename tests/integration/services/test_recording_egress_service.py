"""The Egress pass-through backend (ROOMSVC_RECORDING_BACKEND=egress) at the gateway port.

LiveKit Egress cannot run on these machines, so this is the one recording path tested with the fake
gateway (tests/fakes.py): the recordings service on the real MariaDB session starts and stops Egress
through it, and Egress's webhooks (bodies shaped like LiveKit's) are applied by the real webhook handler.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.config import load_settings
from roomsvc.errors import LiveKitUnavailable
from roomsvc.recordings import service
from roomsvc.recordings.models import Recording
from roomsvc.recordings.schemas import RecordingCreate
from roomsvc.webhooks import handlers
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import MakeRoom, load_room

SETTINGS = load_settings({"ROOMSVC_RECORDING_BACKEND": "egress", "ROOMSVC_RECORDING_STORAGE": "s3"})


async def _webhook(db: AsyncSession, room_name: str, event: str, info: dict[str, Any]) -> None:
    room = await load_room(db, room_name, for_update=True)
    body = {"event": event, "id": f"EV_{event}", "createdAt": "1767225600", "egressInfo": info}
    assert await handlers.apply(db, body, room, None, detection=SETTINGS.detection) == "applied"
    await db.flush()


async def _start(
    db: AsyncSession, fake: FakeLiveKitGateway, room_name: str, data: RecordingCreate
) -> Recording:
    room = await load_room(db, room_name, for_update=True)
    return await service.start(
        db,
        fake,
        room,
        data,
        requested_by="svc-test",
        settings=SETTINGS.recording,
        storage=SETTINGS.recording_storage,
    )


async def test_room_audio_runs_a_composite_audio_egress_and_its_webhooks_finish_the_recording(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    fake.connect(room.livekit_name, "olivia")
    recording = await _start(db, fake, room.name, RecordingCreate(kind="room_audio"))
    (request,) = fake.egress_requests
    assert request.room == room.livekit_name and request.audio_only and request.track_sid is None
    assert request.filepath == f"{recording.key_prefix}/room.ogg"
    assert request.s3.bucket == SETTINGS.recording_storage.s3_bucket
    assert request.s3.endpoint == SETTINGS.recording_storage.s3_endpoint
    assert recording.backend == "egress" and recording.egress_id == request.egress_id
    assert recording.state == "starting" and recording.dispatch_id is None
    assert "create_dispatch" not in fake.calls  # no recorder agent on this backend

    info = {"egressId": request.egress_id, "roomName": room.livekit_name}
    await _webhook(db, room.name, "egress_updated", info | {"status": "EGRESS_ACTIVE"})
    await db.refresh(recording)
    assert recording.state == "recording" and recording.started_at is not None

    stopped = await service.stop(db, fake, recording)
    assert stopped.state == "stopping" and "stop_egress" in fake.calls
    assert fake.egresses[request.egress_id].status == "ending"
    result = {
        "filename": request.filepath,
        "size": "48213",
        "duration": "12500000000",
        "location": "s3://b/k",
    }
    ended = info | {"status": "EGRESS_COMPLETE", "fileResults": [result]}
    await _webhook(db, room.name, "egress_ended", ended)
    await _webhook(db, room.name, "egress_ended", ended)  # LiveKit repeats itself: no change
    await db.refresh(recording)
    assert recording.state == "ready" and recording.active is None
    (file,) = (await service.files_of(db, [recording]))[recording.id]
    assert (file.state, file.size, file.duration_s, file.location) == ("ready", 48213, 12.5, "s3://b/k")
    assert file.sha256 is None  # Egress reports no hash


async def test_tracks_start_one_track_egress_per_matching_track_and_a_failure_makes_it_partial(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    from dataclasses import replace

    from roomsvc.livekit import LiveKitTrack

    room = await make_room()
    for identity, tracks in {
        "olivia": (
            LiveKitTrack("TR_oa", "audio", "microphone", False),
            LiveKitTrack("TR_ov", "video", "camera", False),
        ),
        "mia": (LiveKitTrack("TR_ma", "audio", "microphone", False),),
    }.items():
        participant = fake.connect(room.livekit_name, identity)
        fake.participants[room.livekit_name][identity] = replace(participant, tracks=tracks)
    recording = await _start(db, fake, room.name, RecordingCreate(kind="tracks", identities=["olivia"]))
    requests = sorted(fake.egress_requests, key=lambda r: r.track_sid or "")
    assert [(r.track_sid, r.filepath.rsplit("/", 1)[-1]) for r in requests] == [
        ("TR_oa", "olivia-TR_oa.ogg"),
        ("TR_ov", "olivia-TR_ov.webm"),
    ]
    audio, video = requests
    await _webhook(
        db,
        room.name,
        "egress_ended",
        {
            "egressId": audio.egress_id,
            "status": "EGRESS_COMPLETE",
            "fileResults": [{"filename": audio.filepath, "size": "900"}],
        },
    )
    await db.refresh(recording)
    assert recording.state == "starting"  # the video egress still runs
    await _webhook(
        db,
        room.name,
        "egress_ended",
        {"egressId": video.egress_id, "status": "EGRESS_FAILED", "error": "boom"},
    )
    await db.refresh(recording)
    assert recording.state == "partial"
    files = {f.track_sid: f.state for f in (await service.files_of(db, [recording]))[recording.id]}
    assert files == {"TR_oa": "ready", "TR_ov": "failed"}


async def test_egress_refused_fails_the_recording_and_needs_s3(
    db: AsyncSession, make_room: MakeRoom, fake: FakeLiveKitGateway
) -> None:
    room = await make_room()
    fake.connect(room.livekit_name, "olivia")
    fake.fail_next("start_room_composite_egress", LiveKitUnavailable("egress down"))
    with pytest.raises(LiveKitUnavailable):
        await _start(db, fake, room.name, RecordingCreate(kind="room_audio"))
    (failed,) = [r for r in await _recordings(db, room.id)]
    assert (
        failed.state == "failed" and failed.active is None and "egress down" in (failed.failure_reason or "")
    )
    # tracks with nothing published: refused, recorded as failed
    from roomsvc.errors import Conflict

    with pytest.raises(Conflict):
        await _start(db, fake, room.name, RecordingCreate(kind="tracks"))
    local = load_settings({"ROOMSVC_RECORDING_BACKEND": "egress", "ROOMSVC_RECORDING_STORAGE": "local"})
    with pytest.raises(Conflict) as refused:
        await service.start(
            db,
            fake,
            await load_room(db, room.name, for_update=True),
            RecordingCreate(kind="room_audio"),
            requested_by="svc-test",
            settings=local.recording,
            storage=local.recording_storage,
        )
    assert refused.value.code == "recording-misconfigured"


async def _recordings(db: AsyncSession, room_id: int) -> list[Recording]:
    from sqlalchemy import select

    return list(
        (
            await db.execute(select(Recording).where(Recording.room_id == room_id).order_by(Recording.id))
        ).scalars()
    )
