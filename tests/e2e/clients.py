"""Real LiveKit clients for tests: the Python rtc SDK over WebRTC on loopback, publishing synthetic audio."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Callable

import numpy as np
from livekit import rtc

from tests.support import eventually

SAMPLE_RATE = 48_000
FRAME_MS = 10


@contextlib.asynccontextmanager
async def connected(url: str, token: str) -> AsyncIterator[rtc.Room]:
    room = rtc.Room()
    await room.connect(url, token, rtc.RoomOptions(auto_subscribe=True))
    try:
        yield room
    finally:
        await room.disconnect()


class Tone:
    """An audio track (the microphone unless told another source) fed with a sine tone until stopped."""

    def __init__(self, frequency: float = 440.0) -> None:
        self.source = rtc.AudioSource(SAMPLE_RATE, 1)
        self.track = rtc.LocalAudioTrack.create_audio_track("tone", self.source)
        self._frequency = frequency
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def _pump(self) -> None:
        samples = SAMPLE_RATE * FRAME_MS // 1000
        phase = 0
        while not self._stopping:
            t = (np.arange(samples) + phase) / SAMPLE_RATE
            pcm = (0.3 * 32767 * np.sin(2 * math.pi * self._frequency * t)).astype(np.int16)
            phase += samples
            frame = rtc.AudioFrame(pcm.tobytes(), SAMPLE_RATE, 1, samples)
            await self.source.capture_frame(frame)

    async def publish(
        self, room: rtc.Room, source: rtc.TrackSource.ValueType = rtc.TrackSource.SOURCE_MICROPHONE
    ) -> rtc.LocalTrackPublication:
        self._task = asyncio.create_task(self._pump())
        options = rtc.TrackPublishOptions(source=source)
        return await room.local_participant.publish_track(self.track, options)

    async def stop(self) -> None:
        """Stop between two frames, empty the queue, then close the source. Cancelling a `capture_frame`
        in flight and closing the source under it once left the SDK's native AudioSource thread spinning
        at 100% and the next handle drop (livekit_ffi_drop_handle) blocked forever: a test worker hung
        in a fresh-clone run on 2026-12-02 (livekit 1.1.21; the same lock as livekit/rust-sdks#1289)."""
        if self._task:
            self._stopping = True
            try:
                # The pump's capture in flight returns as soon as the 1 s queue has room for a frame.
                await asyncio.wait_for(asyncio.shield(self._task), timeout=10)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        self.source.clear_queue()
        await self.source.aclose()


async def wait_disconnected(room: rtc.Room, timeout: float = 15.0) -> str:
    """Wait until the server disconnects ``room``; return the reason."""
    done: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def on_disconnected(reason: object) -> None:
        if not done.done():
            done.set_result(str(reason))

    room.on("disconnected", on_disconnected)
    if not room.isconnected() and not done.done():
        return "already disconnected"
    return await asyncio.wait_for(done, timeout)


def audio_tracks(room: rtc.Room, identity: str) -> list[str]:
    """The audio tracks of ``identity`` that ``room`` (a subscriber) currently sees published."""
    participant = room.remote_participants.get(identity)
    if participant is None:
        return []
    return [
        sid for sid, pub in participant.track_publications.items() if pub.kind == rtc.TrackKind.KIND_AUDIO
    ]


async def falls_silent(
    listener: rtc.Room,
    identity: str,
    frames_since: Callable[[float], int],
    *,
    window: float = 1.0,
    timeout: float = 20.0,
) -> None:
    """``listener`` loses every audio track of ``identity``, then receives none of its frames for a whole
    ``window``; fail if that has not happened within ``timeout`` seconds.

    Not "no frame 0.5 s after the server dropped the track": frames are counted when this process's loop
    gets them, so under load what was already in flight can arrive a second later (a CI run counted 42).
    A track the server keeps forwarding never passes: its frames keep arriving, whatever the timeout.
    """

    async def window_heard() -> tuple[list[str], int, list[str]]:
        """(audio tracks seen before the window, frames in it, audio tracks seen after it)."""
        before = audio_tracks(listener, identity)
        mark = time.monotonic()
        await asyncio.sleep(window)
        return before, frames_since(mark), audio_tracks(listener, identity)

    await eventually(
        window_heard,
        check=lambda heard: heard == ([], 0, []),
        timeout=timeout,
        interval=0,
        what=f"{identity} falling silent at the listener (tracks before, frames in {window}s, tracks after)",
    )
