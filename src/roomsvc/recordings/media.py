"""The recorder's media path in one import: encoders, the room mixer, the byte sink, probe and decode.

    from roomsvc.recordings import media

    encoder = media.AudioTrackEncoder()           # or VideoTrackEncoder(), RoomAudioMixer()
    encoder.push(pcm, 48_000, now - started)      # sync, CPU-bound: run it off the event loop
    await writer.write(encoder.drain())           # forward what the muxer produced to storage
    encoder.close(until=stopped - started)
    await writer.write(encoder.drain())
    await writer.close()

Formats: Ogg/Opus 48 kHz for audio, WebM VP8 (or VP9) for video; docs/recording.md ("Formats and media
path") describes the timing rules, the streaming guarantees and what a file cut short still plays.
The modules behind it: ``audio`` (track encoder and mixer), ``video``, ``container`` (sink, probe).
Plain data in (numpy arrays, timestamps in seconds on the recording's clock), bytes out: no LiveKit,
no event loop, no database: the recorder agent imports it, so the ``agent-is-light`` import contract
covers it, and tests/unit/test_recording_media.py checks what importing it loads.
"""

from __future__ import annotations

from roomsvc.recordings.audio import SAMPLE_RATE, AudioTrackEncoder, RoomAudioMixer
from roomsvc.recordings.container import (
    ChunkBuffer,
    Probe,
    StreamInfo,
    SupportsWrite,
    decode_audio,
    probe,
)
from roomsvc.recordings.video import VideoTrackEncoder

__all__ = [
    "SAMPLE_RATE",
    "AudioTrackEncoder",
    "ChunkBuffer",
    "Probe",
    "RoomAudioMixer",
    "StreamInfo",
    "SupportsWrite",
    "VideoTrackEncoder",
    "decode_audio",
    "probe",
]
