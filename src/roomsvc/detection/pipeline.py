"""The worker's audio path, as pure code shared by the worker (:mod:`roomsvc.agent`) and calibration.

Frames → hops → Silero VAD per 512-sample chunk → the latest window with enough speech → the detector's
score → track-level alerting (smoothing, minimum consecutive windows, hysteresis) → ``clear | suspicious
| alert``. ``agent/pipeline.py`` runs it on live tracks; ``calibration.py`` runs the very same classes
over recordings (through :func:`run_track`), so an evaluation measures what the worker does.

A leaf shared with the agent process: numpy, :mod:`roomsvc.detection.registry`, and (only when a
:class:`SileroVad` is built) onnxruntime and ``livekit-plugins-silero``. No LiveKit connection, no HTTP,
no event loop.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import numpy.typing as npt

from roomsvc.detection.registry import Alerting

if TYPE_CHECKING:
    import onnxruntime

SAMPLE_RATE = 16_000
VAD_CHUNK = 512  # Silero VAD's chunk at 16 kHz (32 ms)
SPEECH_PROBABILITY = 0.5
FRAME = SAMPLE_RATE // 20  # what rtc.AudioStream hands the worker: 50 ms frames
SEVERITY = {"clear": 0, "suspicious": 1, "alert": 2}
State = Literal["clear", "suspicious", "alert"]


class DetectorError(Exception):
    """The model ran but its output breaks the contract (not finite, out of [0, 1]): no score exists."""


def hop_samples(hop_seconds: float) -> int:
    """The hop in samples, rounded to whole VAD chunks (2 s → 1.984 s)."""
    return max(1, round(hop_seconds * SAMPLE_RATE / VAD_CHUNK)) * VAD_CHUNK


class Hysteresis:
    """Smoothed score → state: the track-level alerting of one track (a card's ``alerting``,
    :class:`roomsvc.detection.registry.Alerting`).

    The smoothed score is the mean of the latest ``smoothing`` scores, or with ``ema_alpha`` an
    exponential moving average. A level (suspicious, alert) is entered once the smoothed score has reached
    its threshold in ``min_consecutive`` windows in a row; it is left when the smoothed score falls
    ``margin`` below its threshold, and with ``clear_below`` set a track returns to clear only below that.
    The defaults (mean of 2, 1 window, margin 0.05, no ``clear_below``) are the worker's behaviour before
    cards could say more.
    """

    def __init__(
        self,
        suspicious: float,
        alert: float,
        *,
        margin: float = 0.05,
        smoothing: int = 2,
        ema_alpha: float | None = None,
        min_consecutive: int = 1,
        clear_below: float | None = None,
    ) -> None:
        self.suspicious = suspicious
        self.alert = alert
        self.margin = margin
        self.ema_alpha = ema_alpha
        self.min_consecutive = max(1, min_consecutive)
        self.clear_below = clear_below
        self.state: State = "clear"
        self._recent: collections.deque[float] = collections.deque(maxlen=max(1, smoothing))
        self._ema: float | None = None
        self._streak = {"suspicious": 0, "alert": 0}

    @classmethod
    def for_model(
        cls, suspicious: float, alert: float, alerting: Alerting, *, margin: float, smoothing: int
    ) -> Hysteresis:
        """The alerting a model's card asks for; what it leaves unset comes from the worker's settings
        (``ROOMSVC_DETECTION_HYSTERESIS`` → ``margin``, ``ROOMSVC_DETECTION_SMOOTHING`` → ``smoothing``)."""
        return cls(
            suspicious,
            alert,
            margin=margin if alerting.margin is None else alerting.margin,
            smoothing=alerting.mean_windows or smoothing,
            ema_alpha=alerting.ema_alpha if alerting.smoothing == "ema" else None,
            min_consecutive=alerting.min_consecutive,
            clear_below=alerting.clear_below,
        )

    def _level(self, value: float, margin: float) -> State:
        if value >= self.alert - margin:
            return "alert"
        if value >= self.suspicious - margin:
            return "suspicious"
        return "clear"

    def _smooth(self, score: float) -> float:
        if self.ema_alpha is not None:
            previous = score if self._ema is None else self._ema
            self._ema = self.ema_alpha * score + (1 - self.ema_alpha) * previous
            return self._ema
        self._recent.append(score)
        return sum(self._recent) / len(self._recent)

    def update(self, score: float) -> tuple[float, State]:
        smoothed = self._smooth(score)
        self._streak["alert"] = self._streak["alert"] + 1 if smoothed >= self.alert else 0
        self._streak["suspicious"] = self._streak["suspicious"] + 1 if smoothed >= self.suspicious else 0
        rising: State = "clear"
        if self._streak["alert"] >= self.min_consecutive:
            rising = "alert"
        elif self._streak["suspicious"] >= self.min_consecutive:
            rising = "suspicious"
        if SEVERITY[rising] > SEVERITY[self.state]:
            self.state = rising
        else:
            falling = self._level(smoothed, self.margin)
            if self.clear_below is not None and self.state != "clear":
                if smoothed < self.clear_below:
                    falling = "clear"
                elif falling == "clear":
                    falling = "suspicious"
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


class WindowScorer(Protocol):
    """What :class:`AudioAnalyzer` needs of a detector (``agent/detectors/base.py AudioDetector`` is one)."""

    window_samples: int

    def score(self, window: npt.NDArray[np.float32]) -> float: ...


class AudioAnalyzer:
    """One per audio track. :meth:`process` runs in an inference thread, one hop at a time, in order."""

    def __init__(
        self,
        detector: WindowScorer,
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


class SileroVad:
    """Silero VAD (the ONNX file inside livekit-plugins-silero), one state per track, shared session."""

    def __init__(self, session: onnxruntime.InferenceSession) -> None:
        from livekit.plugins.silero.onnx_model import OnnxModel

        self._model = OnnxModel(onnx_session=session, sample_rate=SAMPLE_RATE)

    def __call__(self, chunk: npt.NDArray[np.float32]) -> float:
        return float(self._model(chunk))

    def reset(self) -> None:
        self._model.reset()


def vad_session() -> onnxruntime.InferenceSession:
    """The Silero VAD session the worker builds once per job process (CPU)."""
    from livekit.plugins.silero.onnx_model import new_inference_session

    return new_inference_session(force_cpu=True)


def run_track(
    pcm: npt.NDArray[np.int16],
    analyzer: AudioAnalyzer,
    *,
    hop_seconds: float,
    start: dt.datetime | None = None,
) -> list[Scored]:
    """A whole recording through the worker's track path: 50 ms frames with the times they would have
    arrived at in real time → :class:`HopChunker` → ``analyzer`` (VAD gating, scoring, alerting)."""
    start = start or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    chunker = HopChunker(hop_samples(hop_seconds))
    scored = []
    for offset in range(0, len(pcm), FRAME):
        frame = pcm[offset : offset + FRAME]
        arrived = start + dt.timedelta(seconds=(offset + len(frame)) / SAMPLE_RATE)
        for hop in chunker.push(frame, arrived):
            result = analyzer.process(hop)
            if result is not None:
                scored.append(result)
    return scored
