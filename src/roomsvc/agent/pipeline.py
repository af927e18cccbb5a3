"""Frames → windows → scores → states, for one track. Pure code: no LiveKit, no HTTP, no event loop.

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
from typing import Generic, Literal, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from roomsvc.agent.detectors.base import AudioDetector, VideoDetector

SAMPLE_RATE = 16_000
VAD_CHUNK = 512  # Silero VAD's chunk at 16 kHz (32 ms)
SPEECH_PROBABILITY = 0.5
SEVERITY = {"clear": 0, "suspicious": 1, "alert": 2}
State = Literal["clear", "suspicious", "alert"]
T = TypeVar("T")


def hop_samples(hop_seconds: float) -> int:
    """The hop in samples, rounded to whole VAD chunks (2 s → 1.984 s)."""
    return max(1, round(hop_seconds * SAMPLE_RATE / VAD_CHUNK)) * VAD_CHUNK


class Hysteresis:
    """Smoothed score → state. Rising takes the threshold as is; falling needs ``margin`` below it.

    The smoothed score is the mean of the latest ``smoothing`` scores.
    """

    def __init__(self, suspicious: float, alert: float, *, margin: float = 0.05, smoothing: int = 2) -> None:
        self.suspicious = suspicious
        self.alert = alert
        self.margin = margin
        self.state: State = "clear"
        self._recent: collections.deque[float] = collections.deque(maxlen=max(1, smoothing))

    def _level(self, value: float, margin: float) -> State:
        if value >= self.alert - margin:
            return "alert"
        if value >= self.suspicious - margin:
            return "suspicious"
        return "clear"

    def update(self, score: float) -> tuple[float, State]:
        self._recent.append(score)
        smoothed = sum(self._recent) / len(self._recent)
        rising = self._level(smoothed, 0.0)
        if SEVERITY[rising] > SEVERITY[self.state]:
            self.state = rising
        else:
            falling = self._level(smoothed, self.margin)
            if SEVERITY[falling] < SEVERITY[self.state]:
                self.state = falling
        return smoothed, self.state


@dataclass(frozen=True)
class Hop:
    index: int
    samples: npt.NDArray[np.int16]
    start: dt.datetime  # wall-clock time of the first sample


@dataclass(frozen=True)
class Scored:
    start: dt.datetime
    end: dt.datetime
    score: float
    smoothed: float
    state: State
    speech_ratio: float


class HopChunker:
    """Cuts a track's 16 kHz frames into hops with wall-clock times (runs on the event loop; cheap).

    Time is counted in samples from an anchor, so windows are exact; when frames stop for longer than
    ``gap_seconds`` (a muted or stalled track) the partial hop is discarded, the clock re-anchored and
    the next hop numbered with a gap, which tells the analyzer to start a fresh window.
    """

    def __init__(self, hop: int, *, gap_seconds: float = 1.0) -> None:
        self.hop = hop
        self.gap = dt.timedelta(seconds=gap_seconds)
        self._parts: list[npt.NDArray[np.int16]] = []
        self._pending = 0
        self._anchor: dt.datetime | None = None
        self._consumed = 0  # samples since the anchor already handed out as hops
        self._index = 0

    def push(self, pcm: npt.NDArray[np.int16], now: dt.datetime) -> list[Hop]:
        duration = dt.timedelta(seconds=len(pcm) / SAMPLE_RATE)
        if self._anchor is not None:
            expected_end = self._anchor + dt.timedelta(seconds=(self._consumed + self._pending) / SAMPLE_RATE)
            if now - duration - expected_end > self.gap:
                self._anchor = None
                self._index += 1  # a gap: the next hop is not contiguous with the last one
        if self._anchor is None:
            self._anchor = now - duration
            self._parts, self._pending, self._consumed = [], 0, 0
        self._parts.append(pcm)
        self._pending += len(pcm)
        hops = []
        while self._pending >= self.hop:
            joined = np.concatenate(self._parts)
            start = self._anchor + dt.timedelta(seconds=self._consumed / SAMPLE_RATE)
            hops.append(Hop(self._index, joined[: self.hop].copy(), start))
            rest = joined[self.hop :]
            self._parts = [rest] if len(rest) else []
            self._pending = len(rest)
            self._consumed += self.hop
            self._index += 1
        return hops


class Vad(Protocol):
    def __call__(self, chunk: npt.NDArray[np.float32]) -> float: ...

    def reset(self) -> None: ...


class AudioAnalyzer:
    """One per audio track. :meth:`process` runs in an inference thread, one hop at a time, in order."""

    def __init__(
        self,
        detector: AudioDetector,
        vad: Vad,
        hysteresis: Hysteresis,
        *,
        min_speech: float,
    ) -> None:
        self.detector = detector
        self.vad = vad
        self.hysteresis = hysteresis
        self.min_speech = min_speech
        size = detector.window_samples
        if size % VAD_CHUNK:
            size += VAD_CHUNK - size % VAD_CHUNK  # the speech mask is kept in whole chunks
        self._window = detector.window_samples
        self._audio = np.zeros(size, dtype=np.float32)
        self._speech = np.zeros(size, dtype=bool)
        self._filled = 0
        self._next_index: int | None = None
        self.windows = 0
        self.skipped = 0

    def reset(self) -> None:
        self._filled = 0
        self.vad.reset()

    def process(self, hop: Hop) -> Scored | None:
        if self._next_index is not None and hop.index != self._next_index:
            self.reset()
        self._next_index = hop.index + 1
        audio = hop.samples.astype(np.float32) / 32768.0
        usable = len(audio) - len(audio) % VAD_CHUNK
        audio = audio[:usable]
        speech = np.zeros(usable, dtype=bool)
        for offset in range(0, usable, VAD_CHUNK):
            if self.vad(audio[offset : offset + VAD_CHUNK]) >= SPEECH_PROBABILITY:
                speech[offset : offset + VAD_CHUNK] = True
        size = len(self._audio)
        if usable >= size:
            self._audio[:] = audio[-size:]
            self._speech[:] = speech[-size:]
        else:
            self._audio[:-usable] = self._audio[usable:]
            self._audio[-usable:] = audio
            self._speech[:-usable] = self._speech[usable:]
            self._speech[-usable:] = speech
        self._filled = min(size, self._filled + usable)
        if self._filled < self._window:
            return None
        end = hop.start + dt.timedelta(seconds=usable / SAMPLE_RATE)
        start = end - dt.timedelta(seconds=self._window / SAMPLE_RATE)
        speech_ratio = float(self._speech[-self._window :].mean())
        if speech_ratio < self.min_speech:
            self.skipped += 1
            return None
        score = self.detector.score(self._audio[-self._window :])
        smoothed, state = self.hysteresis.update(score)
        self.windows += 1
        return Scored(start, end, score, smoothed, state, speech_ratio)


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
