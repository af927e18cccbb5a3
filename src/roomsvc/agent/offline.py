"""The audio pipeline over a recording instead of a live track (benchmarks, tests, operators' checks).

It runs the very classes the worker runs — HopChunker, Silero VAD, AudioAnalyzer, Hysteresis — feeding
the samples in 50 ms frames with the times they would have arrived at in real time.
"""

from __future__ import annotations

import datetime as dt
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from roomsvc.agent.detectors.base import AudioDetector
from roomsvc.agent.pipeline import (
    SAMPLE_RATE,
    AudioAnalyzer,
    HopChunker,
    Hysteresis,
    Scored,
    Vad,
    hop_samples,
)
from roomsvc.config import DetectionSettings

FRAME = SAMPLE_RATE // 20


def read_wav(path: Path) -> npt.NDArray[np.int16]:
    """16 kHz mono 16-bit PCM (what the held-out clips are); anything else is refused."""
    with wave.open(str(path)) as wav:
        if (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) != (SAMPLE_RATE, 1, 2):
            raise ValueError(f"{path} is not 16 kHz mono 16-bit PCM")
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)


def analyze(
    pcm: npt.NDArray[np.int16],
    detector: AudioDetector,
    vad: Vad,
    *,
    suspicious: float,
    alert: float,
    settings: DetectionSettings,
    start: dt.datetime | None = None,
) -> tuple[list[Scored], AudioAnalyzer]:
    start = start or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    analyzer = AudioAnalyzer(
        detector,
        vad,
        Hysteresis(suspicious, alert, margin=settings.hysteresis, smoothing=settings.smoothing),
        min_speech=settings.min_speech,
    )
    chunker = HopChunker(hop_samples(settings.hop_seconds))
    scored = []
    for offset in range(0, len(pcm), FRAME):
        frame = pcm[offset : offset + FRAME]
        arrived = start + dt.timedelta(seconds=(offset + len(frame)) / SAMPLE_RATE)
        for hop in chunker.push(frame, arrived):
            result = analyzer.process(hop)
            if result is not None:
                scored.append(result)
    return scored, analyzer
