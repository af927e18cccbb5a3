"""The recorder's file output without LiveKit: the hold-back line cuts a file at the requested stop, bytes
reach the storage writer while recording, and a storage error is reported instead of raised.

The writer is a fake at the storage port (an in-memory StorageWriter); the encoders are the real ones.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib

import numpy as np
import pytest

from roomsvc.agent.recording import FileOutput, file_key
from roomsvc.recordings import media
from roomsvc.recordings.storage import StorageUnavailable, StoredObject


class MemoryWriter:
    def __init__(self, key: str, *, fail_after: int | None = None) -> None:
        self.key = key
        self.data = bytearray()
        self.flushes = 0
        self.closed = False
        self.aborted = False
        self._fail_after = fail_after

    @property
    def size(self) -> int:
        return len(self.data)

    async def write(self, chunk: bytes) -> None:
        if self._fail_after is not None and len(self.data) + len(chunk) > self._fail_after:
            raise StorageUnavailable("disk full")
        self.data += chunk

    async def flush(self) -> None:
        self.flushes += 1

    async def close(self) -> StoredObject:
        self.closed = True
        digest = hashlib.sha256(self.data).hexdigest()
        return StoredObject(self.key, len(self.data), digest, f"mem://{self.key}", "audio/ogg")

    async def abort(self) -> None:
        self.aborted = True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * media.SAMPLE_RATE)) / media.SAMPLE_RATE
    return (0.3 * 32767 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)


async def _feed(output: FileOutput, clock: Clock, seconds: float, *, track: str = "a") -> None:
    """20 ms frames, as the agent receives them, with the clock moving along."""
    mixer = output.encoder
    assert isinstance(mixer, media.RoomAudioMixer)
    pcm = _tone(seconds)
    for start in range(0, len(pcm), 960):
        output.add(
            clock.now, functools.partial(mixer.push, track, pcm[start : start + 960], 48_000, clock.now)
        )
        clock.now += 0.02
        if start % (960 * 10) == 0:
            await asyncio.sleep(0.06)  # let the pump take a batch now and then


async def test_a_mix_is_cut_at_the_requested_stop_and_streams_while_recording() -> None:
    clock, errors = Clock(), []
    writer = MemoryWriter("p/room.ogg")
    output = FileOutput(
        key=writer.key,
        kind="mix",
        encoder=media.RoomAudioMixer(),
        writer=writer,
        clock=clock,
        hold=1.0,
        on_error=lambda _, exc: errors.append(exc),
    )
    await _feed(output, clock, 5.0)
    await asyncio.sleep(0.2)
    assert writer.size > 0  # pages reached storage before the stop
    # The stop was asked for at 4.5 s; the recorder learns it at 5 s, within the hold: what came after
    # 4.5 s is not kept.
    stored = await output.finish(4.5)
    assert errors == [] and writer.closed and stored.size == len(writer.data)
    pcm, _ = media.decode_audio(bytes(writer.data))
    assert len(pcm) / media.SAMPLE_RATE == pytest.approx(4.5, abs=0.03)
    assert np.abs(pcm[: -media.SAMPLE_RATE // 10]).max() > 5000  # the tone, up to the end


async def test_a_storage_error_while_recording_is_reported_not_raised() -> None:
    clock, errors = Clock(), []
    writer = MemoryWriter("p/room.ogg", fail_after=100)
    output = FileOutput(
        key=writer.key,
        kind="mix",
        encoder=media.RoomAudioMixer(),
        writer=writer,
        clock=clock,
        hold=0.1,
        on_error=lambda _, exc: errors.append(exc),
    )
    await _feed(output, clock, 3.0)
    await asyncio.sleep(0.2)
    assert len(errors) == 1 and isinstance(errors[0], StorageUnavailable)
    await output.abort()
    assert writer.aborted


def test_track_keys_keep_to_the_characters_storage_allows() -> None:
    assert file_key("default/rec_1", "TR_abc", "alice@example.com", "ogg") == (
        "default/rec_1/TR_abc-alice-example.com.ogg"
    )
    assert file_key("p", "TR_x", "", "webm") == "p/TR_x-track.webm"
