"""The audio pipeline over a recording instead of a live track (benchmarks, tests, operators' checks).

It runs the very classes the worker runs — HopChunker, Silero VAD, AudioAnalyzer, Hysteresis — feeding
the samples in 50 ms frames with the times they would have arrived at in real time
(:func:`roomsvc.detection.pipeline.run_track`, which calibration uses too).
"""

from __future__ import annotations

import datetime as dt
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from roomsvc.agent.detectors.base import AudioDetector
from roomsvc.config import DetectionSettings
from roomsvc.detection.pipeline import SAMPLE_RATE, AudioAnalyzer, Hysteresis, Scored, Vad, run_track
from roomsvc.detection.registry import DEFAULT_ALERTING, Alerting


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
    alerting: Alerting = DEFAULT_ALERTING,
) -> tuple[list[Scored], AudioAnalyzer]:
    hysteresis = Hysteresis.for_model(
        suspicious, alert, alerting, margin=settings.hysteresis, smoothing=settings.smoothing
    )
    analyzer = AudioAnalyzer(detector, vad, hysteresis, min_speech=settings.min_speech)
    return run_track(pcm, analyzer, hop_seconds=settings.hop_seconds, start=start), analyzer
