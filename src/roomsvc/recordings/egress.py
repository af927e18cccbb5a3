"""The Egress pass-through backend (``ROOMSVC_RECORDING_BACKEND=egress``), for operators who run LiveKit
Egress elsewhere: the same recordings API mapped onto StartRoomCompositeEgress (``room_audio``: audio
only, Ogg/Opus), StartTrackEgress (``tracks``: one per published track) and StopEgress, writing to the
ROOMSVC_S3_* bucket. Egress's webhooks (``egress_started/updated/ended``) drive the rows from there
(:func:`roomsvc.recordings.reports.egress_updated`). Egress cannot run on the development machines, so
this path is tested against the fake gateway only (docs/recording.md#egress-pass-through).
"""

from __future__ import annotations

import secrets

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.config import RecordingStorageSettings
from roomsvc.errors import Conflict
from roomsvc.livekit import LiveKitGateway, S3Output
from roomsvc.recordings.models import Recording, RecordingFile
from roomsvc.rooms.models import Room

ENDED = ("complete", "failed", "aborted", "limit_reached")


def s3_output(settings: RecordingStorageSettings) -> S3Output:
    return S3Output(
        endpoint=settings.s3_endpoint,
        region=settings.s3_region,
        bucket=settings.s3_bucket,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
    )


def _file_id() -> str:
    return f"recf_{secrets.token_hex(12)}"


async def start(
    session: AsyncSession,
    gateway: LiveKitGateway,
    recording: Recording,
    room: Room,
    storage: RecordingStorageSettings,
) -> None:
    """Start the Egress job(s) of ``recording``; a file row per job, ``writing`` until Egress reports."""
    s3 = s3_output(storage)
    if recording.kind == "room_audio":
        key = f"{recording.key_prefix}/room.ogg"
        info = await gateway.start_room_composite_egress(
            room.livekit_name, filepath=key, s3=s3, audio_only=True
        )
        recording.egress_id = info.egress_id
        session.add(_file(recording, key, "mix", "audio/ogg", info.egress_id))
        return
    identities = set(msgspec.json.decode(recording.identities))
    wanted = set(msgspec.json.decode(recording.track_sids))
    tracks = [
        (participant.identity, track)
        for participant in await gateway.list_participants(room.livekit_name)
        if participant.kind == "standard" and (not identities or participant.identity in identities)
        for track in participant.tracks
        if track.kind in ("audio", "video") and (not wanted or track.sid in wanted)
    ]
    if not tracks:
        raise Conflict(
            "No published audio or video track matches the recording's filters; nothing to record.",
            code="recording-no-tracks",
        )
    for identity, track in tracks:
        extension, content_type = ("ogg", "audio/ogg") if track.kind == "audio" else ("webm", "video/webm")
        key = f"{recording.key_prefix}/{identity}-{track.sid}.{extension}"
        info = await gateway.start_track_egress(room.livekit_name, track.sid, filepath=key, s3=s3)
        file = _file(recording, key, track.kind, content_type, info.egress_id)
        file.identity, file.track_sid = identity, track.sid
        session.add(file)
        recording.egress_id = recording.egress_id or info.egress_id  # marks the recording as started


def _file(recording: Recording, key: str, kind: str, content_type: str, egress_id: str) -> RecordingFile:
    return RecordingFile(
        public_id=_file_id(),
        recording_id=recording.id,
        kind=kind,
        storage_key=key,
        content_type=content_type,
        egress_id=egress_id,
        state="writing",
        size=0,
    )


async def egress_ids(session: AsyncSession, recording: Recording) -> list[str]:
    query = select(RecordingFile.egress_id).where(
        RecordingFile.recording_id == recording.id, RecordingFile.egress_id.is_not(None)
    )
    ids = {i for i in (await session.execute(query)).scalars() if i}
    if recording.egress_id:
        ids.add(recording.egress_id)
    return sorted(ids)


async def stop(session: AsyncSession, gateway: LiveKitGateway, recording: Recording) -> None:
    """StopEgress for each of the recording's jobs (one already gone is fine); Egress then reports
    ``egress_ended`` with the files, which finishes the recording."""
    for egress_id in await egress_ids(session, recording):
        await gateway.stop_egress(egress_id)
