"""The pure pipeline: hysteresis, hop cutting, windows, VAD gating, bounded queues, sampling."""

from __future__ import annotations

import asyncio
import datetime as dt

import numpy as np
import pytest

from roomsvc.agent.detectors.base import DetectorError
from roomsvc.agent.pipeline import (
    SAMPLE_RATE,
    VAD_CHUNK,
    AudioAnalyzer,
    DropOldestQueue,
    Frame,
    FrameSampler,
    Hop,
    HopChunker,
    Hysteresis,
    VideoAnalyzer,
    hop_samples,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class FakeDetector:
    """Scores a window by its mean absolute amplitude (a test double at the detector port)."""

    model_id = 7
    name = "fake"
    version = "1"
    sample_rate = SAMPLE_RATE

    def __init__(self, window_samples: int = 4 * VAD_CHUNK * 4) -> None:
        self.window_samples = window_samples
        self.calls: list[np.ndarray] = []

    def score(self, window: np.ndarray) -> float:
        self.calls.append(window.copy())
        return float(min(1.0, np.abs(window).mean() * 4))


class EnergyVad:
    """Speech wherever the chunk is not silent (test double for Silero)."""

    def __init__(self) -> None:
        self.resets = 0

    def __call__(self, chunk: np.ndarray) -> float:
        return 1.0 if np.abs(chunk).max() > 0.01 else 0.0

    def reset(self) -> None:
        self.resets += 1


def _hop(index: int, value: int, size: int = 4 * VAD_CHUNK) -> Hop:
    return Hop(
        index, np.full(size, value, dtype=np.int16), T0 + dt.timedelta(seconds=index * size / SAMPLE_RATE)
    )


def test_hysteresis_rises_at_thresholds_and_falls_only_below_the_margin() -> None:
    h = Hysteresis(0.5, 0.8, margin=0.1, smoothing=1)
    assert h.update(0.4) == (0.4, "clear")
    assert h.update(0.55)[1] == "suspicious"
    assert h.update(0.85)[1] == "alert"
    assert h.update(0.75)[1] == "alert"  # below 0.8 but not by the margin
    assert h.update(0.69)[1] == "suspicious"
    assert h.update(0.45)[1] == "suspicious"
    assert h.update(0.39)[1] == "clear"


def test_hysteresis_smooths_over_the_latest_scores() -> None:
    h = Hysteresis(0.5, 0.9, margin=0.0, smoothing=2)
    assert h.update(1.0) == (1.0, "alert")
    assert h.update(0.0) == (0.5, "suspicious")
    smoothed, state = h.update(0.0)
    assert smoothed == 0.0 and state == "clear"


def test_hop_is_whole_vad_chunks() -> None:
    assert hop_samples(2.0) % VAD_CHUNK == 0
    assert abs(hop_samples(2.0) - 2 * SAMPLE_RATE) < VAD_CHUNK
    assert hop_samples(0.001) == VAD_CHUNK


def test_chunker_cuts_hops_with_sample_exact_times() -> None:
    chunker = HopChunker(1000)
    hops = []
    for i in range(5):  # 5 frames of 800 samples arriving in real time
        now = T0 + dt.timedelta(seconds=(i + 1) * 800 / SAMPLE_RATE)
        hops += chunker.push(np.arange(800, dtype=np.int16) + i * 800, now)
    assert [h.index for h in hops] == [0, 1, 2, 3]
    assert all(len(h.samples) == 1000 for h in hops)
    assert hops[1].samples[0] == 1000  # contiguous
    assert hops[2].start - hops[0].start == dt.timedelta(seconds=2000 / SAMPLE_RATE)
    assert hops[0].start == T0


def test_chunker_gap_restarts_the_clock_and_skips_an_index() -> None:
    chunker = HopChunker(800)
    first = chunker.push(np.zeros(800, dtype=np.int16), T0 + dt.timedelta(seconds=0.05))
    later = T0 + dt.timedelta(seconds=10)  # the track was silent (muted) for ~10 s
    second = chunker.push(np.zeros(800, dtype=np.int16), later)
    assert first[0].index == 0 and second[0].index == 2
    assert second[0].start == later - dt.timedelta(seconds=0.05)


def test_analyzer_scores_only_full_windows_with_enough_speech() -> None:
    detector = FakeDetector(window_samples=8 * VAD_CHUNK)
    analyzer = AudioAnalyzer(detector, EnergyVad(), Hysteresis(0.5, 0.9), min_speech=0.5)
    assert analyzer.process(_hop(0, 8000)) is None  # half a window: nothing yet
    scored = analyzer.process(_hop(1, 8000))
    assert scored is not None and len(detector.calls) == 1
    assert scored.end - scored.start == dt.timedelta(seconds=8 * VAD_CHUNK / SAMPLE_RATE)
    assert scored.end == _hop(1, 0).start + dt.timedelta(seconds=4 * VAD_CHUNK / SAMPLE_RATE)
    assert scored.speech_ratio == 1.0
    assert analyzer.process(_hop(2, 0)) is not None  # half speech: still enough
    assert analyzer.process(_hop(3, 0)) is None  # silence: not scored, counted
    assert analyzer.skipped == 1 and analyzer.windows == 2 and len(detector.calls) == 2


def test_analyzer_starts_a_fresh_window_after_a_gap() -> None:
    vad = EnergyVad()
    detector = FakeDetector(window_samples=8 * VAD_CHUNK)
    analyzer = AudioAnalyzer(detector, vad, Hysteresis(0.5, 0.9), min_speech=0.1)
    analyzer.process(_hop(0, 8000))
    assert analyzer.process(_hop(2, 8000)) is None  # hop 1 was dropped: the old half is not reused
    assert vad.resets == 1
    assert analyzer.process(_hop(3, 8000)) is not None


def test_analyzer_lets_detector_errors_through_without_a_score() -> None:
    class Broken(FakeDetector):
        def score(self, window: np.ndarray) -> float:
            raise DetectorError("nan")

    analyzer = AudioAnalyzer(
        Broken(window_samples=4 * VAD_CHUNK), EnergyVad(), Hysteresis(0.5, 0.9), min_speech=0.1
    )
    with pytest.raises(DetectorError):
        analyzer.process(_hop(0, 8000))
    assert analyzer.windows == 0


def test_video_analyzer_scores_faces_only() -> None:
    class Faces:
        def __init__(self, boxes: list[tuple[int, int, int, int]]) -> None:
            self.boxes = boxes

        def faces(self, rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
            return self.boxes

        def crop(self, rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
            x, y, w, h = box
            return rgb[y : y + h, x : x + w]

    class Detector:
        model_id, name, version, input_size = 3, "v", "1", 32

        def score(self, face: np.ndarray) -> float:
            assert face.shape == (10, 20, 3)
            return 0.95

    frame = Frame(np.zeros((100, 100, 3), dtype=np.uint8), T0)
    none = VideoAnalyzer(Detector(), Faces([]), Hysteresis(0.5, 0.9), period=1.0)
    assert none.process(frame) is None and none.skipped == 1
    some = VideoAnalyzer(Detector(), Faces([(5, 5, 20, 10)]), Hysteresis(0.5, 0.9), period=1.0)
    scored = some.process(frame)
    assert (
        scored is not None
        and scored.state == "alert"
        and scored.end - scored.start == dt.timedelta(seconds=1)
    )


def test_frame_sampler_rate_and_faster_while_suspicious() -> None:
    now = [0.0]
    sampler = FrameSampler(1.0, lambda: now[0])
    taken = []
    for step in range(30):  # 3 s at 10 fps
        now[0] = step / 10
        taken.append(sampler.take("clear"))
    assert sum(taken) == 3
    taken = []
    for step in range(30, 60):
        now[0] = step / 10
        taken.append(sampler.take("suspicious"))
    assert sum(taken) >= 8


async def test_drop_oldest_queue_bounds_memory_and_counts_drops() -> None:
    queue: DropOldestQueue[int] = DropOldestQueue(3)
    for item in range(5):
        queue.put(item)
    assert len(queue) == 3 and queue.dropped == 2
    assert [await queue.get() for _ in range(3)] == [2, 3, 4]
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    assert not waiter.done()
    queue.put(9)
    assert await asyncio.wait_for(waiter, 1) == 9
    queue.put(1)
    queue.put(2)
    assert queue.drain(10) == [1, 2] and len(queue) == 0
