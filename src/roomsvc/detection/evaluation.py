"""``roomsvc detection evaluate``: a registered model on a directory of labelled audio, through the
deployment path (:mod:`roomsvc.detection.calibration`), and the card ``validation`` section it yields.

The directory holds ``genuine/`` and ``synthetic/``; a file directly inside one is its own speaker (voice),
files in a subdirectory (``genuine/alice/*.flac``) belong to that subdirectory's speaker. Any format FFmpeg
decodes is read (PyAV). Each file goes through the Opus round trip at every bitrate asked for, then through
the worker's whole track path once (hops, Silero VAD gating, scoring, the model's track-level alerting):
the scored windows give the window-level figures, the track runs give the false alerts per hour of genuine
speech and the alert latency on synthetic speech. DB-free: the CLI reads and writes the registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from roomsvc.detection import calibration
from roomsvc.detection.pipeline import SAMPLE_RATE

LABELS = ("genuine", "synthetic")


@dataclass(frozen=True)
class LabelledFile:
    path: Path
    label: str
    speaker: str  # ``<label>/<speaker>``: a voice is never pooled with the other class


def labelled_files(directory: Path) -> list[LabelledFile]:
    """Every file under ``genuine/`` and ``synthetic/`` (hidden files skipped), sorted."""
    found = []
    for label in LABELS:
        root = directory / label
        if not root.is_dir():
            raise ValueError(f"{directory} has no {label}/ directory (expected genuine/ and synthetic/)")
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            speaker = relative.parts[0] if len(relative.parts) > 1 else path.stem
            found.append(LabelledFile(path, label, f"{label}/{speaker}"))
    return found


def listing_sha256(directory: Path, files: Sequence[LabelledFile]) -> str:
    """sha256 of the listing: one ``<relative path>\\t<sha256 of its bytes>`` line per file, sorted, so the
    figure names exactly the data it was measured on."""
    lines = []
    for item in files:
        digest = hashlib.sha256(item.path.read_bytes()).hexdigest()
        lines.append(f"{item.path.relative_to(directory).as_posix()}\t{digest}\n")
    return hashlib.sha256("".join(sorted(lines)).encode()).hexdigest()


@dataclass(frozen=True)
class Report:
    model: str
    directory: str
    files: int
    listing_sha256: str
    bitrates: tuple[int, ...]
    path: calibration.PathSettings
    suspicious: float
    alert: float
    alerting: dict[str, Any]
    genuine: dict[str, list[float]]  # scores by speaker
    synthetic: dict[str, list[float]]  # scores by voice
    eer: float
    eer_ci95: tuple[float, float]
    fa_alert: float
    fa_alert_ci95: tuple[float, float]
    fa_suspicious: float
    fa_suspicious_ci95: tuple[float, float]
    detected_alert: float
    detected_suspicious: float
    track: calibration.TrackRate
    latency: calibration.Latency

    @property
    def genuine_windows(self) -> int:
        return sum(len(v) for v in self.genuine.values())

    @property
    def synthetic_windows(self) -> int:
        return sum(len(v) for v in self.synthetic.values())

    def validation_section(self, *, validated_by: str, description: str = "") -> dict[str, Any]:
        """The card's ``validation`` section (registry.DeployedValidation reads it back)."""
        return {
            "method": "roomsvc detection evaluate",
            "thresholds": {"suspicious": self.suspicious, "alert": self.alert},
            "alerting": self.alerting,
            "window_false_alarm": {
                "alert": {"rate": _r(self.fa_alert), "ci95": _pair(self.fa_alert_ci95)},
                "suspicious": {"rate": _r(self.fa_suspicious), "ci95": _pair(self.fa_suspicious_ci95)},
            },
            "detection_rate": {"alert": _r(self.detected_alert), "suspicious": _r(self.detected_suspicious)},
            "eer": _r(self.eer),
            "eer_ci95": _pair(self.eer_ci95),
            "genuine_windows": self.genuine_windows,
            "synthetic_windows": self.synthetic_windows,
            "genuine_speakers": len(self.genuine),
            "synthetic_voices": len(self.synthetic),
            "track": {
                "false_alerts_per_hour": _r(self.track.per_hour),
                "false_alerts_per_hour_ci95": _pair(self.track.ci95),
                "alerts": self.track.alerts,
                "genuine_speech_hours": _r(self.track.speech_hours),
                "recordings": self.track.recordings,
                "alert_latency_seconds": {
                    "median": None if self.latency.median is None else _r(self.latency.median),
                    "p90": None if self.latency.p90 is None else _r(self.latency.p90),
                    "detected": self.latency.detected,
                    "recordings": self.latency.recordings,
                },
            },
            "deployment_path": {
                "opus_bitrates": list(self.bitrates),
                "sample_rate": SAMPLE_RATE,
                "vad": "silero (livekit-plugins-silero), the worker's gating",
                "hop_seconds": self.path.hop_seconds,
                "min_speech": self.path.min_speech,
            },
            "data": {
                "description": description or f"{self.files} files in {self.directory}",
                "directory": self.directory,
                "files": self.files,
                "listing_sha256": self.listing_sha256,
            },
            "validated_by": validated_by,
            "validated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        }


def _r(value: float) -> float:
    return round(float(value), 6)


def _pair(value: tuple[float, float]) -> list[float]:
    return [_r(value[0]), _r(value[1])]


def evaluate(
    model: calibration.ScoringModel,
    directory: Path,
    *,
    bitrates: Sequence[int] = calibration.DEFAULT_BITRATES,
    path: calibration.PathSettings = calibration.DEFAULT_PATH,
    bootstrap: int = 1000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Score ``model`` on ``directory`` through the deployment path (see the module docstring)."""
    directory = directory.resolve()
    files = labelled_files(directory)
    if not any(f.label == "genuine" for f in files) or not any(f.label == "synthetic" for f in files):
        raise ValueError(f"{directory} needs at least one genuine and one synthetic file")
    genuine: list[calibration.Recording] = []
    synthetic: list[calibration.Recording] = []
    for item in files:
        try:
            audio, rate = calibration.decode_file(item.path)
        except Exception as exc:  # PyAV raises its own error tree for undecodable files
            raise ValueError(f"cannot decode {item.path}: {exc}") from None
        for bitrate in bitrates:
            pcm = calibration.opus_roundtrip(audio, rate, bitrate)
            recording = calibration.Recording(f"{item.path.name}@{bitrate}", item.speaker, pcm)
            (genuine if item.label == "genuine" else synthetic).append(recording)
        if progress:
            progress(f"{item.label}/{item.path.name}")
    track = calibration.track_false_alerts_per_hour(model, genuine, path=path, n=bootstrap, seed=seed)
    latency = calibration.alert_latency(model, synthetic, path=path)
    by_speaker: dict[str, list[float]] = {}
    for run in track.runs:
        by_speaker.setdefault(run.speaker, []).extend(run.scores)
    by_voice: dict[str, list[float]] = {}
    for run in latency.runs:
        by_voice.setdefault(run.speaker, []).extend(run.scores)
    gen = np.concatenate([np.asarray(v, dtype=np.float64) for v in by_speaker.values()] or [np.zeros(0)])
    syn = np.concatenate([np.asarray(v, dtype=np.float64) for v in by_voice.values()] or [np.zeros(0)])
    if not gen.size or not syn.size:
        raise ValueError("no window had enough speech to be scored in one of the classes")

    def fa_at(threshold: float) -> Callable[[np.ndarray], float]:
        return lambda scores: calibration.false_alarm_rate(scores, threshold)

    return Report(
        model=model.label,
        directory=str(directory),
        files=len(files),
        listing_sha256=listing_sha256(directory, files),
        bitrates=tuple(bitrates),
        path=path,
        suspicious=model.suspicious,
        alert=model.alert,
        alerting=model.alerting.to_json(),
        genuine=by_speaker,
        synthetic=by_voice,
        eer=calibration.eer(gen, syn),
        eer_ci95=calibration.eer_bootstrap_ci(by_speaker, by_voice, n=bootstrap, seed=seed),
        fa_alert=calibration.false_alarm_rate(gen, model.alert),
        fa_alert_ci95=calibration.speaker_bootstrap_ci(
            by_speaker, fa_at(model.alert), n=bootstrap, seed=seed
        ),
        fa_suspicious=calibration.false_alarm_rate(gen, model.suspicious),
        fa_suspicious_ci95=calibration.speaker_bootstrap_ci(
            by_speaker, fa_at(model.suspicious), n=bootstrap, seed=seed
        ),
        detected_alert=float((syn >= model.alert).mean()),
        detected_suspicious=float((syn >= model.suspicious).mean()),
        track=track,
        latency=latency,
    )


def render(report: Report) -> str:
    """The report as the CLI prints it."""

    def pct(value: float) -> str:
        return "n/a" if not np.isfinite(value) else f"{value:.1%}"

    def ci(pair: tuple[float, float]) -> str:
        return f"95% CI {pct(pair[0])}-{pct(pair[1])}, resampling speakers"

    latency = report.latency
    lines = [
        f"model {report.model} on {report.directory}: {report.files} files, "
        f"listing sha256 {report.listing_sha256}",
        f"deployment path: Opus {', '.join(str(b // 1000) + 'k' for b in report.bitrates)} bit/s"
        f" -> 16 kHz int16 -> Silero VAD gating (hop {report.path.hop_seconds:g} s,"
        f" min speech {report.path.min_speech:g})",
        f"windows: {report.genuine_windows} genuine from {len(report.genuine)} speakers, "
        f"{report.synthetic_windows} synthetic from {len(report.synthetic)} voices",
        f"EER {pct(report.eer)} ({ci(report.eer_ci95)})",
        f"false alarms at alert {report.alert:.4f}: {pct(report.fa_alert)} ({ci(report.fa_alert_ci95)}); "
        f"synthetic detected {pct(report.detected_alert)}",
        f"false alarms at suspicious {report.suspicious:.4f}: {pct(report.fa_suspicious)} "
        f"({ci(report.fa_suspicious_ci95)}); synthetic detected {pct(report.detected_suspicious)}",
        f"track level (alerting {report.alerting}): {report.track.alerts} false alerts in "
        f"{report.track.speech_hours * 60:.1f} min of genuine speech = {report.track.per_hour:.2f} per hour "
        f"(95% CI {report.track.ci95[0]:.2f}-{report.track.ci95[1]:.2f})",
        f"alert latency on synthetic speech: {latency.detected}/{latency.recordings} recordings reach alert"
        + (f", median {latency.median:.1f} s, p90 {latency.p90:.1f} s" if latency.median is not None else ""),
    ]
    return "\n".join(lines)
