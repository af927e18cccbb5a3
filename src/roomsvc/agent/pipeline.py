"""Frames → windows → scores → states, for one track. Pure code: no LiveKit, no HTTP, no event loop.

The audio path (HopChunker, AudioAnalyzer, Hysteresis, the VAD) lives in
:mod:`roomsvc.detection.pipeline`, shared with calibration (``roomsvc detection evaluate``) so that an
evaluation runs exactly the worker's code; it is re-exported here.

Audio (per microphone or screen-share audio track)::

    16 kHz mono int16 frames ──HopChunker──▶ hops (≈2 s, a multiple of the VAD's 512-sample chunk)
        ──DropOldestQueue (bounded; counts drops)──▶ AudioAnalyzer.process (in an inference thread):
            Silero VAD marks speech per 32 ms chunk; the last ``window_samples`` (4 s) are kept;
            a full window with at least ``min_speech`` speech is scored by the detector;
            Hysteresis turns the smoothed score into clear | suspicious | alert.

Video (per camera track): frames are sampled at ``fps`` (3x while suspicious) and go through the same
kind of queue to VideoAnalyzer.process: Haar face detection, then the face-forgery model on the largest
face. A frame without a face, or a window without enough speech, yields no score at all — never a
made-up one. Memory per track is bounded: one window of samples, one queue of at most ``queue_size``
items.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from roomsvc.agent.detectors.base import VideoDetector
from roomsvc.detection.pipeline import (
    SAMPLE_RATE,
    SEVERITY,
    VAD_CHUNK,
    AudioAnalyzer,
    Hop,
    HopChunker,
    Hysteresis,
    Scored,
    State,
    Vad,
    hop_samples,
)

T = TypeVar("T")
__all__ = [
    "SAMPLE_RATE",
    "SEVERITY",
    "VAD_CHUNK",
    "AudioAnalyzer",
    "DropOldestQueue",
    "Frame",
    "FrameSampler",
    "Hop",
    "HopChunker",
    "Hysteresis",
    "Scored",
    "State",
    "Vad",
    "VideoAnalyzer",
    "hop_samples",
]


class FaceSource(Protocol):
    def faces(self, rgb: npt.NDArray[np.uint8]) -> list[tuple[int, int, int, int]]: ...

    def crop(self, rgb: npt.NDArray[np.uint8], box: tuple[int, int, int, int]) -> npt.NDArray[np.uint8]: ...


@dataclass(frozen=True)
class Frame:
    rgb: npt.NDArray[np.uint8]
    at: dt.datetime


class VideoAnalyzer:
    """One per camera track: face → face-forgery model → hysteresis. Runs in an inference thread."""

    def __init__(
        self, detector: VideoDetector, faces: FaceSource, hysteresis: Hysteresis, *, period: float
    ) -> None:
        self.detector = detector
        self.faces = faces
        self.hysteresis = hysteresis
        self.period = dt.timedelta(seconds=period)
        self.windows = 0
        self.skipped = 0

    def process(self, frame: Frame) -> Scored | None:
        boxes = self.faces.faces(frame.rgb)
        if not boxes:
            self.skipped += 1
            return None
        score = self.detector.score(self.faces.crop(frame.rgb, boxes[0]))
        smoothed, state = self.hysteresis.update(score)
        self.windows += 1
        return Scored(frame.at, frame.at + self.period, score, smoothed, state, 1.0)


class FrameSampler:
    """Which camera frames to analyse: ``fps`` per second, three times that while not clear."""

    def __init__(self, fps: float, clock: Callable[[], float]) -> None:
        self.fps = fps
        self._clock = clock
        self._next = 0.0

    def take(self, state: State) -> bool:
        now = self._clock()
        if now < self._next:
            return False
        rate = self.fps * (3 if state != "clear" else 1)
        self._next = now + 1.0 / rate
        return True


class DropOldestQueue(Generic[T]):
    """A bounded asyncio queue that never blocks the producer: when full, the oldest item goes."""

    def __init__(self, maxsize: int) -> None:
        self._items: collections.deque[T] = collections.deque()
        self._maxsize = maxsize
        self._ready = asyncio.Event()
        self.dropped = 0

    def put(self, item: T) -> None:
        if len(self._items) >= self._maxsize:
            self._items.popleft()
            self.dropped += 1
        self._items.append(item)
        self._ready.set()

    async def get(self) -> T:
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def drain(self, limit: int) -> list[T]:
        taken: list[T] = []
        while self._items and len(taken) < limit:
            taken.append(self._items.popleft())
        return taken

    def __len__(self) -> int:
        return len(self._items)
