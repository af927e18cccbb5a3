"""Recording rows → API responses and event payloads (the one place recordings are shaped for the outside)."""

from __future__ import annotations

from typing import Any

import msgspec

from roomsvc.recordings.models import Recording, RecordingFile
from roomsvc.recordings.schemas import RecordingFileOut, RecordingOut
from roomsvc.types import to_struct


def file_out(file: RecordingFile) -> RecordingFileOut:
    return to_struct(RecordingFileOut, file, id=file.public_id, key=file.storage_key)


def recording_out(recording: Recording, files: list[RecordingFile]) -> RecordingOut:
    usable = [f for f in files if f.state in ("ready", "partial")]
    durations = [f.duration_s for f in usable if f.duration_s is not None]
    return to_struct(
        RecordingOut,
        recording,
        id=recording.public_id,
        room=recording.room_name,
        identities=msgspec.json.decode(recording.identities),
        track_sids=msgspec.json.decode(recording.track_sids),
        size=sum(f.size for f in usable),
        duration_s=max(durations) if durations else None,
        files=[file_out(f) for f in files],
    )


def event_base(recording: Recording) -> dict[str, Any]:
    return {
        "recording_id": recording.public_id,
        "kind": recording.kind,
        "backend": recording.backend,
        "room_sid": recording.room_sid,
        "auto": recording.auto,
    }


def ready_data(recording: Recording, files: list[RecordingFile], *, partial: bool) -> dict[str, Any]:
    durations = [f.duration_s for f in files if f.duration_s is not None]
    only = files[0] if len(files) == 1 else None
    return event_base(recording) | {
        "duration_s": max(durations) if durations else None,
        "size": sum(f.size for f in files),
        "sha256": only.sha256 if only else None,
        "location": (only.location or only.storage_key) if only else recording.key_prefix + "/",
        "partial": partial,
        "files": [
            {
                "id": f.public_id,
                "kind": f.kind,
                "identity": f.identity,
                "track_sid": f.track_sid,
                "key": f.storage_key,
                "size": f.size,
                "sha256": f.sha256,
                "duration_s": f.duration_s,
                "location": f.location,
                "partial": f.state != "ready",
            }
            for f in files
        ],
    }
