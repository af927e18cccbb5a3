"""Calibration on the deployment path: what LiveKit hands the worker, scored and alerted as the worker does.

Every evaluation and threshold choice (``roomsvc detection evaluate``, ``training/detection``) goes through
these functions, so a figure in a model card means what the worker will do in a room:

1. :func:`opus_roundtrip`: the capture resampled to 48 kHz, libopus at a WebRTC bitrate in 20 ms frames,
   decoded, resampled to 16 kHz, int16 (what ``rtc.AudioStream(sample_rate=16000)`` gives the worker).
2. :func:`deployment_windows`: the worker's own hops, Silero VAD gating and window cutting
   (:mod:`roomsvc.detection.pipeline`, the classes ``agent/session.py`` runs), not a re-implementation.
3. :class:`ScoringModel`: a registered model (``builtin:<file>`` or an operator's absolute path), loaded
   only after its sha256 matched (``registry.read_verified``), scored by the worker's ONNX detector.
4. Rates with speaker-level uncertainty: :func:`eer`, :func:`false_alarm_rate`,
   :func:`speaker_bootstrap_ci` (resamples speakers, never windows: windows of one speaker are
   correlated), :func:`threshold_for_false_alarm` (every held-out speaker weighs the same).
5. Track level: :func:`track_false_alerts_per_hour` runs the worker's whole track path (hops, VAD,
   scoring, the card's ``alerting``) over whole genuine recordings and counts entries into ``alert`` per
   hour of speech; :func:`alert_latency` does the same over synthetic recordings and reports how long the
   first alert takes.

Runtime-safe: numpy, onnxruntime, PyAV (a runtime dependency), the Silero VAD shipped in
``livekit-plugins-silero``. No torch, no scikit-learn, no database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from roomsvc.detection import registry
from roomsvc.detection.onnx import OnnxAudioDetector
from roomsvc.detection.pipeline import (
    SAMPLE_RATE,
    AudioAnalyzer,
    Hysteresis,
    SileroVad,
    Vad,
    run_track,
    vad_session,
)

if TYPE_CHECKING:
    import onnxruntime

OPUS_RATE = 48_000
OPUS_FRAME = OPUS_RATE // 50  # 20 ms, as WebRTC sends
# WebRTC's Opus bitrates for speech: LiveKit's presets (speech 24k, music 48k) and the low rates a
# congested or mobile sender falls back to.
DEFAULT_BITRATES = (12_000, 16_000, 24_000, 32_000)
Float32 = npt.NDArray[np.float32]
Int16 = npt.NDArray[np.int16]


@dataclass(frozen=True)
class PathSettings:
    """The worker's settings the deployment path depends on (defaults: the worker's defaults)."""

    hop_seconds: float = 2.0  # ROOMSVC_DETECTION_HOP_SECONDS
    min_speech: float = 0.3  # ROOMSVC_DETECTION_MIN_SPEECH
    smoothing: int = 2  # ROOMSVC_DETECTION_SMOOTHING (what a card's alerting leaves unset)
    margin: float = 0.05  # ROOMSVC_DETECTION_HYSTERESIS (likewise)

    @classmethod
    def of(cls, settings: Any) -> PathSettings:
        """From :class:`roomsvc.config.DetectionSettings` (or anything with the same fields)."""
        return cls(settings.hop_seconds, settings.min_speech, settings.smoothing, settings.hysteresis)


DEFAULT_PATH = PathSettings()


# --- audio: decode, Opus round trip --------------------------------------------------------------------


def decode_file(path: Path | str) -> tuple[Float32, int]:
    """Any file FFmpeg decodes (PyAV): mono float32 in [-1, 1] at its native rate, and that rate."""
    import av

    parts: list[Float32] = []
    rate = 0
    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise ValueError(f"{path} has no audio stream")
        stream = container.streams.audio[0]
        rate = int(stream.rate or stream.codec_context.sample_rate or 0)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                parts.append(out.to_ndarray().reshape(-1).astype(np.float32))
        for out in resampler.resample(None):
            parts.append(out.to_ndarray().reshape(-1).astype(np.float32))
    if not parts or rate <= 0:
        raise ValueError(f"{path} decodes to no audio")
    return np.clip(np.concatenate(parts), -1.0, 1.0), rate


def _as_float(audio: npt.NDArray[Any]) -> Float32:
    if audio.dtype == np.int16:
        return audio.astype(np.float32) / 32768.0
    return np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)


def _resample(audio: Float32, rate_in: int, rate_out: int) -> Float32:
    """Mono float32 resampling with libswresample (PyAV); the output is trimmed/padded to the exact
    expected length, ``round(len * rate_out / rate_in)``."""
    expected = round(len(audio) * rate_out / rate_in)
    if rate_in == rate_out:
        return audio.astype(np.float32, copy=True)
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate_out)
    samples = np.ascontiguousarray(audio, dtype=np.float32)[None, :]
    frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
    frame.sample_rate = rate_in
    frame.pts = 0
    parts = [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
    parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    out = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
    return _fit(out, expected)


def _fit(audio: npt.NDArray[Any], length: int) -> npt.NDArray[Any]:
    if len(audio) >= length:
        return audio[:length]
    return np.pad(audio, (0, length - len(audio)))


def opus_roundtrip(audio: npt.NDArray[Any], sample_rate: int, bitrate: int) -> Int16:
    """What LiveKit gives the worker for this capture: resampled to 48 kHz, encoded with libopus at
    ``bitrate`` bit/s in 20 ms frames (as WebRTC sends), decoded, resampled to 16 kHz, int16.

    ``audio`` is mono, int16 or float in [-1, 1], at ``sample_rate``. The result has exactly
    ``round(len(audio) * 16000 / sample_rate)`` samples (the decoder's pre-skip is trimmed by the Ogg
    demuxer; the last partial frame is padded and cut back).
    """
    import io

    import av

    if bitrate < 6_000 or bitrate > 510_000:
        raise ValueError(f"Opus bitrate {bitrate} is outside 6000-510000 bit/s")
    x48 = _resample(_as_float(audio), sample_rate, OPUS_RATE)
    pcm = np.clip(np.round(x48 * 32767.0), -32768, 32767).astype(np.int16)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as output:
        stream: Any = output.add_stream("libopus", rate=OPUS_RATE)
        stream.bit_rate = bitrate
        stream.layout = "mono"
        for offset in range(0, len(pcm), OPUS_FRAME):
            chunk = _fit(pcm[offset : offset + OPUS_FRAME], OPUS_FRAME)
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
            frame.sample_rate = OPUS_RATE
            frame.pts = offset
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    buffer.seek(0)
    decoded: list[Float32] = []
    with av.open(buffer, "r", format="ogg") as source:
        for frame in source.decode(audio=0):
            samples = frame.to_ndarray()
            if samples.dtype == np.int16:
                samples = samples.astype(np.float32) / 32768.0
            decoded.append(np.asarray(samples, dtype=np.float32).reshape(samples.shape[0], -1).mean(axis=0))
    y48 = _fit(np.concatenate(decoded) if decoded else np.zeros(0, np.float32), len(x48))
    y16 = _resample(y48.astype(np.float32), OPUS_RATE, SAMPLE_RATE)
    expected = round(len(audio) * SAMPLE_RATE / sample_rate)
    return _fit(np.clip(np.round(y16 * 32767.0), -32768, 32767).astype(np.int16), expected)


# --- the worker's gating -------------------------------------------------------------------------------


class _VadSession:
    """One Silero VAD session per process, as the worker's prewarm builds (``agent/runtime.py``)."""

    session: onnxruntime.InferenceSession | None = None

    @classmethod
    def new_vad(cls) -> SileroVad:
        if cls.session is None:
            cls.session = vad_session()
        return SileroVad(cls.session)


def new_vad() -> SileroVad:
    """A fresh Silero VAD (one per track, as the worker keeps one state per track)."""
    return _VadSession.new_vad()


class _Capture:
    """A stand-in detector that keeps every window the worker would score (score 0: never alerts)."""

    def __init__(self, window_samples: int) -> None:
        self.window_samples = window_samples
        self.windows: list[Float32] = []

    def score(self, window: Float32) -> float:
        self.windows.append(window.copy())
        return 0.0


class _CountingVad:
    """Wraps a VAD and counts the chunks it called speech (the 'hours of speech' of a recording)."""

    def __init__(self, vad: Vad) -> None:
        self.vad = vad
        self.speech_chunks = 0

    def __call__(self, chunk: Float32) -> float:
        probability = self.vad(chunk)
        if probability >= 0.5:
            self.speech_chunks += 1
        return probability

    def reset(self) -> None:
        self.vad.reset()


def deployment_windows(
    audio16k_int16: Int16,
    *,
    window_samples: int,
    hop_seconds: float = DEFAULT_PATH.hop_seconds,
    vad: Vad | None = None,
    min_speech: float = DEFAULT_PATH.min_speech,
) -> list[Float32]:
    """The windows the worker would score in this track: its hops (``hop_seconds``), its Silero VAD gating
    (a window needs ``min_speech`` of its 32 ms chunks called speech) and its window length. Each window
    is float32 in [-1, 1], ``window_samples`` long (exactly what the detector receives).

    ``vad`` is reset first (one state per track); None builds a fresh Silero VAD.
    """
    vad = vad or new_vad()
    vad.reset()
    capture = _Capture(window_samples)
    analyzer = AudioAnalyzer(capture, vad, Hysteresis(1.0, 1.0), min_speech=min_speech)
    run_track(np.asarray(audio16k_int16, dtype=np.int16), analyzer, hop_seconds=hop_seconds)
    return capture.windows


# --- a registered model --------------------------------------------------------------------------------


@dataclass
class ScoringModel:
    """A registered audio model, verified and loaded as the worker loads it, with its card's thresholds
    and alerting."""

    name: str
    version: str
    uri: str
    sha256: str
    suspicious: float
    alert: float
    window_samples: int
    alerting: registry.Alerting
    detector: OnnxAudioDetector

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def score(self, window: Float32) -> float:
        return self.detector.score(window)

    def score_all(self, windows: Iterable[Float32]) -> npt.NDArray[np.float64]:
        return np.asarray([self.detector.score(w) for w in windows], dtype=np.float64)

    def hysteresis(self, path: PathSettings = DEFAULT_PATH) -> Hysteresis:
        """The track-level alerting the worker would run for this model."""
        return Hysteresis.for_model(
            self.suspicious, self.alert, self.alerting, margin=path.margin, smoothing=path.smoothing
        )


def load_model(
    uri: str,
    sha256: str,
    *,
    suspicious: float,
    alert: float,
    window_samples: int = 64_000,
    alerting: registry.Alerting = registry.DEFAULT_ALERTING,
    name: str = "model",
    version: str = "0",
) -> ScoringModel:
    """A model by registry ``uri`` (``builtin:<file>`` or an absolute path) after its sha256 matched;
    raises :class:`roomsvc.detection.registry.ModelUnavailable` otherwise."""
    data = registry.read_verified(uri, sha256)
    detector = OnnxAudioDetector(data, model_id=0, name=name, version=version, window_samples=window_samples)
    return ScoringModel(
        name, version, uri, sha256.lower(), suspicious, alert, window_samples, alerting, detector
    )


def load_card(card: registry.ModelCard) -> ScoringModel:
    """A shipped model by its card (thresholds and alerting from the card)."""
    if card.kind != "audio" or not card.window_samples:
        raise registry.ModelUnavailable(f"{card.name}@{card.version} is not an audio model")
    return load_model(
        card.uri,
        card.sha256,
        suspicious=card.suspicious,
        alert=card.alert,
        window_samples=card.window_samples,
        alerting=card.alerting,
        name=card.name,
        version=card.version,
    )


def with_alerting(model: ScoringModel, alerting: registry.Alerting) -> ScoringModel:
    """The same model and thresholds with other track-level alerting (for tuning it)."""
    return dataclasses.replace(model, alerting=alerting)


# --- window-level rates --------------------------------------------------------------------------------


def false_alarm_rate(scores: npt.ArrayLike, threshold: float) -> float:
    """Fraction of genuine windows at or above ``threshold`` (the worker rises on ``>=``)."""
    values = np.asarray(scores, dtype=np.float64)
    return float((values >= threshold).mean()) if values.size else float("nan")


def eer(genuine: npt.ArrayLike, synthetic: npt.ArrayLike) -> float:
    """Equal error rate (positive class: synthetic), by sweeping every observed score as a threshold."""
    g = np.asarray(genuine, dtype=np.float64)
    s = np.asarray(synthetic, dtype=np.float64)
    if not g.size or not s.size:
        return float("nan")
    thresholds = np.unique(np.concatenate([g, s, [np.inf]]))
    fa = np.array([(g >= t).mean() for t in thresholds])
    miss = np.array([(s < t).mean() for t in thresholds])
    best = int(np.argmin(np.abs(fa - miss)))
    return float((fa[best] + miss[best]) / 2)


def speaker_bootstrap_ci(
    scores_by_speaker: Mapping[str, npt.ArrayLike],
    stat: Callable[[npt.NDArray[np.float64]], float],
    n: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """95% percentile interval of ``stat`` (over the pooled windows) when whole *speakers* are resampled
    with replacement: the honest interval, as windows of one speaker are correlated."""
    groups = [np.asarray(v, dtype=np.float64) for v in scores_by_speaker.values() if len(np.asarray(v))]
    if not groups:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        picked = rng.integers(0, len(groups), len(groups))
        values.append(stat(np.concatenate([groups[i] for i in picked])))
    return float(np.nanpercentile(values, 2.5)), float(np.nanpercentile(values, 97.5))


def eer_bootstrap_ci(
    genuine_by_speaker: Mapping[str, npt.ArrayLike],
    synthetic_by_voice: Mapping[str, npt.ArrayLike],
    n: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """95% interval of the EER, resampling genuine speakers and synthetic voices (each independently)."""
    gen = [np.asarray(v, dtype=np.float64) for v in genuine_by_speaker.values() if len(np.asarray(v))]
    syn = [np.asarray(v, dtype=np.float64) for v in synthetic_by_voice.values() if len(np.asarray(v))]
    if not gen or not syn:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        g = np.concatenate([gen[i] for i in rng.integers(0, len(gen), len(gen))])
        s = np.concatenate([syn[i] for i in rng.integers(0, len(syn), len(syn))])
        values.append(eer(g, s))
    return float(np.nanpercentile(values, 2.5)), float(np.nanpercentile(values, 97.5))


def speaker_false_alarm_rate(scores_by_speaker: Mapping[str, npt.ArrayLike], threshold: float) -> float:
    """The false-alarm rate with every speaker weighing the same (mean of the per-speaker rates)."""
    rates = [false_alarm_rate(v, threshold) for v in scores_by_speaker.values() if len(np.asarray(v))]
    return float(np.mean(rates)) if rates else float("nan")


def threshold_for_false_alarm(scores_by_speaker: Mapping[str, npt.ArrayLike], target: float) -> float:
    """The lowest threshold at which held-out genuine *speakers* false-alarm at most ``target``: both the
    speaker-weighted rate (:func:`speaker_false_alarm_rate`) and the pooled window rate stay ≤ target."""
    pooled = np.concatenate([np.asarray(v, dtype=np.float64) for v in scores_by_speaker.values()])
    if not pooled.size:
        raise ValueError("no genuine scores to set a threshold on")
    for candidate in np.unique(np.concatenate([pooled, [np.nextafter(pooled.max(), np.inf)]])):
        t = float(candidate)
        if speaker_false_alarm_rate(scores_by_speaker, t) <= target and false_alarm_rate(pooled, t) <= target:
            return min(t, 1.0)
    return 1.0


# --- track-level: the worker's alerting over whole recordings ------------------------------------------


@dataclass(frozen=True)
class Recording:
    """A whole track: 16 kHz int16 *after* :func:`opus_roundtrip`, and whose voice it is."""

    name: str
    speaker: str
    pcm: Int16


@dataclass(frozen=True)
class TrackRun:
    recording: str
    speaker: str
    alerts: int  # entries into ``alert``
    speech_seconds: float
    windows: int
    # From the recording's first speech to the end of the window that first entered ``alert``.
    first_alert_seconds: float | None
    scores: tuple[float, ...] = ()  # every window the worker scored, in order (the window-level figures)


def run_recording(model: ScoringModel, recording: Recording, path: PathSettings = DEFAULT_PATH) -> TrackRun:
    """One recording through the worker's whole track path with ``model`` and its alerting."""
    vad = _CountingVad(new_vad())
    vad.reset()
    analyzer = AudioAnalyzer(model.detector, vad, model.hysteresis(path), min_speech=path.min_speech)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    scored = run_track(recording.pcm, analyzer, hop_seconds=path.hop_seconds, start=start)
    alerts, state, first = 0, "clear", None
    for window in scored:
        if window.state == "alert" and state != "alert":
            alerts += 1
            if first is None:
                first = (window.end - start).total_seconds()
        state = window.state
    onset = _speech_onset(recording.pcm)
    return TrackRun(
        recording=recording.name,
        speaker=recording.speaker,
        alerts=alerts,
        speech_seconds=vad.speech_chunks * 512 / SAMPLE_RATE,
        windows=len(scored),
        first_alert_seconds=None if first is None else max(0.0, first - onset),
        scores=tuple(w.score for w in scored),
    )


def _speech_onset(pcm: Int16) -> float:
    """Seconds to the first 32 ms chunk the VAD calls speech (0 when none)."""
    vad = new_vad()
    audio = pcm.astype(np.float32) / 32768.0
    for offset in range(0, len(audio) - 511, 512):
        if vad(audio[offset : offset + 512]) >= 0.5:
            return offset / SAMPLE_RATE
    return 0.0


@dataclass(frozen=True)
class TrackRate:
    """False alerts per hour of genuine speech, over whole recordings (speaker-bootstrap 95% CI)."""

    alerts: int
    speech_hours: float
    per_hour: float
    ci95: tuple[float, float]
    recordings: int
    speakers: int
    runs: tuple[TrackRun, ...]


def track_false_alerts_per_hour(
    model: ScoringModel,
    recordings: Sequence[Recording],
    alerting: registry.Alerting | None = None,
    *,
    path: PathSettings = DEFAULT_PATH,
    n: int = 1000,
    seed: int = 0,
) -> TrackRate:
    """Runs the worker's own track-level alerting (``alerting``, default the model's) over whole genuine
    recordings (already through :func:`opus_roundtrip`) and counts entries into ``alert`` per hour of
    VAD-detected speech. The CI resamples speakers."""
    if alerting is not None:
        model = with_alerting(model, alerting)
    runs = tuple(run_recording(model, r, path) for r in recordings)
    alerts = sum(r.alerts for r in runs)
    hours = sum(r.speech_seconds for r in runs) / 3600
    by_speaker: dict[str, list[TrackRun]] = {}
    for run in runs:
        by_speaker.setdefault(run.speaker, []).append(run)
    groups = [
        (sum(r.alerts for r in g), sum(r.speech_seconds for r in g) / 3600) for g in by_speaker.values()
    ]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n if groups else 0):
        picked = [groups[i] for i in rng.integers(0, len(groups), len(groups))]
        h = sum(p[1] for p in picked)
        values.append(sum(p[0] for p in picked) / h if h else np.nan)
    ci = (
        (float(np.nanpercentile(values, 2.5)), float(np.nanpercentile(values, 97.5)))
        if values
        else (0.0, 0.0)
    )
    return TrackRate(
        alerts=alerts,
        speech_hours=hours,
        per_hour=alerts / hours if hours else float("nan"),
        ci95=ci,
        recordings=len(runs),
        speakers=len(by_speaker),
        runs=runs,
    )


@dataclass(frozen=True)
class Latency:
    """Seconds from the first speech to the first ``alert`` on synthetic recordings (detected ones only)."""

    median: float | None
    p90: float | None
    detected: int
    recordings: int
    runs: tuple[TrackRun, ...]


def alert_latency(
    model: ScoringModel,
    synthetic_recordings: Sequence[Recording],
    alerting: registry.Alerting | None = None,
    *,
    path: PathSettings = DEFAULT_PATH,
) -> Latency:
    """What the alerting costs on synthetic speech: how long the worker takes to reach ``alert`` (and
    how many recordings never do)."""
    if alerting is not None:
        model = with_alerting(model, alerting)
    runs = tuple(run_recording(model, r, path) for r in synthetic_recordings)
    times = [r.first_alert_seconds for r in runs if r.first_alert_seconds is not None]
    return Latency(
        median=float(np.median(times)) if times else None,
        p90=float(np.percentile(times, 90)) if times else None,
        detected=len(times),
        recordings=len(runs),
        runs=runs,
    )
