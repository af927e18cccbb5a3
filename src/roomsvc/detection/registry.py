"""Model files: the cards of the models shipped in ``detection/models/``, where a registry ``uri`` points,
and the sha256 check every load goes through.

A registry row names a file by ``uri``: ``builtin:<file>`` for a file shipped in this package, or an
absolute path on the worker hosts for an operator's model. The worker reads the file's bytes once,
hashes them, and builds the ONNX session from those same bytes — so the model that runs is exactly the
one whose sha256 the registry holds, or none runs at all.

A leaf shared with the agent process (:mod:`roomsvc.agent`): the standard library only.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BUILTIN_DIR = Path(__file__).resolve().parent / "models"
BUILTIN_PREFIX = "builtin:"
AUDIO_SAMPLE_RATE = 16_000


class ModelUnavailable(Exception):
    """The model cannot be used: file missing, unreadable, wrong sha256, or not matching its contract."""


@dataclass(frozen=True)
class ModelCard:
    """What a shipped ``<name>-v<version>.json`` says about its ONNX file."""

    name: str
    version: str
    kind: str
    file: str
    sha256: str
    sample_rate: int | None
    window_samples: int | None
    suspicious: float
    alert: float
    description: str
    alerting: Alerting = field(default_factory=lambda: Alerting())

    @property
    def uri(self) -> str:
        return BUILTIN_PREFIX + self.file


@dataclass(frozen=True)
class Validation:
    """The rates a card declares for its model on held-out data (its ``eval.speaker_split_shipped_model``)."""

    eer: float | None
    false_alarm_rate_at_suspicious: float | None
    detection_rate_at_suspicious: float | None
    false_alarm_rate_at_alert: float | None
    detection_rate_at_alert: float | None
    genuine_windows: int | None
    synthetic_windows: int | None
    note: str


def _rate(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def validation_of(data: dict[str, Any]) -> Validation | None:
    """What a card's ``eval`` section says the shipped model achieves; None when it declares nothing."""
    evaluation = data.get("eval")
    held_out = evaluation.get("speaker_split_shipped_model") if isinstance(evaluation, dict) else None
    if not isinstance(held_out, dict):
        return None
    suspicious = held_out.get("at_suspicious_threshold") or {}
    alert = held_out.get("at_alert_threshold") or {}
    return Validation(
        eer=_rate(held_out.get("eer")),
        false_alarm_rate_at_suspicious=_rate(suspicious.get("genuine_false_alarm_rate")),
        detection_rate_at_suspicious=_rate(suspicious.get("synthetic_detection_rate")),
        false_alarm_rate_at_alert=_rate(alert.get("genuine_false_alarm_rate")),
        detection_rate_at_alert=_rate(alert.get("synthetic_detection_rate")),
        genuine_windows=_count(held_out.get("n_genuine_windows")),
        synthetic_windows=_count(held_out.get("n_synthetic_windows")),
        note=str(evaluation.get("note") or "")[:512] if isinstance(evaluation, dict) else "",
    )


# --- track-level alerting and deployment-path validation (issue 15) -----------------------------------


SMOOTHINGS = ("mean", "ema")


@dataclass(frozen=True)
class Alerting:
    """How the worker turns a track's window scores into ``clear | suspicious | alert`` (card: ``alerting``).

    Every field left ``None`` keeps today's behaviour, set by the worker's settings: the mean of the latest
    ``ROOMSVC_DETECTION_SMOOTHING`` scores, a state entered as soon as the smoothed score reaches its
    threshold, left when it falls ``ROOMSVC_DETECTION_HYSTERESIS`` below it.

    - ``smoothing``: ``"mean"`` (of the latest ``mean_windows`` scores) or ``"ema"`` (exponential moving
      average: ``s = ema_alpha * score + (1 - ema_alpha) * s``, starting at the first score).
    - ``min_consecutive``: windows in a row whose smoothed score reaches a level's threshold before the
      track enters that level (1: at once).
    - ``margin``: a level is left when the smoothed score is this far below its threshold.
    - ``clear_below``: when set, a track that is not clear goes back to ``clear`` only once the smoothed
      score is below this value (``margin`` still governs ``alert`` → ``suspicious``).

    Card JSON (every key optional)::

        "alerting": {"smoothing": "ema", "ema_alpha": 0.3, "min_consecutive": 3, "margin": 0.05,
                     "clear_below": 0.5}
    """

    smoothing: str = "mean"
    mean_windows: int | None = None
    ema_alpha: float | None = None
    min_consecutive: int = 1
    margin: float | None = None
    clear_below: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The card's ``alerting`` section (keys left at their defaults are omitted)."""
        out: dict[str, Any] = {"smoothing": self.smoothing, "min_consecutive": self.min_consecutive}
        for key in ("mean_windows", "ema_alpha", "margin", "clear_below"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


DEFAULT_ALERTING = Alerting()


def alerting_of(data: dict[str, Any] | None) -> Alerting:
    """A card's (or a registry row's) ``alerting`` section; :data:`DEFAULT_ALERTING` when absent.

    Raises :class:`ValueError` naming the key when a value is out of range (a card that says something
    we cannot do is refused, not half-applied)."""
    section = (data or {}).get("alerting") if isinstance(data, dict) else None
    if not section:
        return DEFAULT_ALERTING
    if not isinstance(section, dict):
        raise ValueError("`alerting` must be an object")
    unknown = set(section) - {
        "smoothing",
        "mean_windows",
        "ema_alpha",
        "min_consecutive",
        "margin",
        "clear_below",
    }
    if unknown:
        raise ValueError(f"`alerting.{sorted(unknown)[0]}` is not a known key")
    smoothing = str(section.get("smoothing", "mean"))
    if smoothing not in SMOOTHINGS:
        raise ValueError("`alerting.smoothing` must be `mean` or `ema`")
    alpha = _rate(section.get("ema_alpha"))
    if smoothing == "ema" and (alpha is None or not 0.0 < alpha <= 1.0):
        raise ValueError("`alerting.ema_alpha` must be in (0, 1] with `ema` smoothing")
    mean_windows = section.get("mean_windows")
    if mean_windows is not None and (not isinstance(mean_windows, int) or not 1 <= mean_windows <= 100):
        raise ValueError("`alerting.mean_windows` must be an integer in [1, 100]")
    consecutive = section.get("min_consecutive", 1)
    if not isinstance(consecutive, int) or not 1 <= consecutive <= 100:
        raise ValueError("`alerting.min_consecutive` must be an integer in [1, 100]")
    margin, clear_below = _rate(section.get("margin")), _rate(section.get("clear_below"))
    for key, value in (("margin", margin), ("clear_below", clear_below)):
        if value is not None and not 0.0 <= value <= 1.0:
            raise ValueError(f"`alerting.{key}` must be in [0, 1]")
    return Alerting(smoothing, mean_windows, alpha, consecutive, margin, clear_below)


def _pair(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return float(value[0]), float(value[1])
    return None


@dataclass(frozen=True)
class DeployedValidation:
    """Rates measured through the deployment path (a card's ``validation`` section; issue 15).

    What the safety gate on automatic ``mute``/``kick`` reads. Measured on held-out genuine *speakers*
    after an Opus round trip (``calibration.opus_roundtrip``) and the worker's own VAD gating
    (``calibration.deployment_windows``), with speaker-bootstrap 95% CIs; the track-level rate comes from
    the worker's own alerting run over whole genuine recordings (``calibration.track_false_alerts_per_hour``).
    Written by ``roomsvc detection evaluate --write-card`` or by ``training/detection``. Card JSON::

        "validation": {
          "thresholds": {"suspicious": 0.7, "alert": 0.9},      # the thresholds the rates were measured at
          "alerting": {...},                                    # the alerting they were measured with
          "window_false_alarm": {"alert": {"rate": 0.002, "ci95": [0.0, 0.006]},
                                 "suspicious": {"rate": 0.02, "ci95": [0.01, 0.04]}},
          "detection_rate": {"alert": 0.6, "suspicious": 0.75},
          "eer": 0.12, "eer_ci95": [0.08, 0.17],
          "genuine_windows": 5000, "synthetic_windows": 6000, "genuine_speakers": 49, "synthetic_voices": 53,
          "track": {"false_alerts_per_hour": 0.05, "false_alerts_per_hour_ci95": [0.0, 0.2],
                    "alerts": 1, "genuine_speech_hours": 20.0, "recordings": 49,
                    "alert_latency_seconds": {"median": 8.1, "p90": 14.0, "detected": 40, "recordings": 53}},
          "deployment_path": {"opus_bitrates": [12000, 16000, 24000, 32000], "sample_rate": 16000,
                              "vad": "silero", "hop_seconds": 2.0, "min_speech": 0.3},
          "data": {"description": "…", "directory": "…", "files": 102, "listing_sha256": "…"},
          "validated_by": "…", "validated_at": "2026-12-04T10:00:00Z", "method": "roomsvc detection evaluate"
        }
    """

    alert_threshold: float | None
    suspicious_threshold: float | None
    alerting: Alerting
    false_alarm_rate_at_alert: float | None
    false_alarm_ci95_at_alert: tuple[float, float] | None
    false_alarm_rate_at_suspicious: float | None
    false_alarm_ci95_at_suspicious: tuple[float, float] | None
    detection_rate_at_alert: float | None
    detection_rate_at_suspicious: float | None
    eer: float | None
    eer_ci95: tuple[float, float] | None
    genuine_windows: int | None
    synthetic_windows: int | None
    genuine_speakers: int | None
    synthetic_voices: int | None
    track_false_alerts_per_hour: float | None
    track_false_alerts_per_hour_ci95: tuple[float, float] | None
    genuine_speech_hours: float | None
    alert_latency_median_seconds: float | None
    opus_bitrates: tuple[int, ...]
    data: str
    listing_sha256: str | None
    files: int | None
    validated_by: str
    validated_at: str
    method: str

    def refusal(self, *, alert_threshold: float, alerting: Alerting, max_false_alarm: float) -> str | None:
        """Why these rates do not allow automatic actions (None: they do)."""
        if self.false_alarm_rate_at_alert is None:
            return "its card declares no validated window false-alarm rate at its alert threshold"
        if self.track_false_alerts_per_hour is None:
            return "its card declares no track-level false-alert rate per hour of genuine speech"
        if not self.opus_bitrates:
            return "its card's validation does not say it went through the Opus deployment path"
        if self.alert_threshold is None or abs(self.alert_threshold - alert_threshold) > 1e-6:
            return (
                f"its validation was measured at alert threshold {self.alert_threshold}, "
                f"the registry now uses {alert_threshold}"
            )
        if self.alerting != alerting:
            return "its validation was measured with other track-level alerting settings"
        if self.false_alarm_rate_at_alert > max_false_alarm:
            return (
                f"its validated window false-alarm rate at alert is {self.false_alarm_rate_at_alert:.2%}, "
                f"above the {max_false_alarm:.2%} allowed"
            )
        return None


def deployed_validation_of(data: dict[str, Any] | None) -> DeployedValidation | None:
    """A card's (or a registry row's) ``validation`` section; None when it has none."""
    section = data.get("validation") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return None
    thresholds = section.get("thresholds") or {}
    fa = section.get("window_false_alarm") or {}
    fa_alert, fa_suspicious = fa.get("alert") or {}, fa.get("suspicious") or {}
    detected = section.get("detection_rate") or {}
    track = section.get("track") or {}
    latency = track.get("alert_latency_seconds") or {}
    path = section.get("deployment_path") or {}
    source = section.get("data") or {}
    try:
        alerting = alerting_of(section)
    except ValueError:
        return None
    bitrates = path.get("opus_bitrates") or []
    return DeployedValidation(
        alert_threshold=_rate(thresholds.get("alert")),
        suspicious_threshold=_rate(thresholds.get("suspicious")),
        alerting=alerting,
        false_alarm_rate_at_alert=_rate(fa_alert.get("rate")),
        false_alarm_ci95_at_alert=_pair(fa_alert.get("ci95")),
        false_alarm_rate_at_suspicious=_rate(fa_suspicious.get("rate")),
        false_alarm_ci95_at_suspicious=_pair(fa_suspicious.get("ci95")),
        detection_rate_at_alert=_rate(detected.get("alert")),
        detection_rate_at_suspicious=_rate(detected.get("suspicious")),
        eer=_rate(section.get("eer")),
        eer_ci95=_pair(section.get("eer_ci95")),
        genuine_windows=_count(section.get("genuine_windows")),
        synthetic_windows=_count(section.get("synthetic_windows")),
        genuine_speakers=_count(section.get("genuine_speakers")),
        synthetic_voices=_count(section.get("synthetic_voices")),
        track_false_alerts_per_hour=_rate(track.get("false_alerts_per_hour")),
        track_false_alerts_per_hour_ci95=_pair(track.get("false_alerts_per_hour_ci95")),
        genuine_speech_hours=_rate(track.get("genuine_speech_hours")),
        alert_latency_median_seconds=_rate(latency.get("median")),
        opus_bitrates=tuple(int(b) for b in bitrates if isinstance(b, int)),
        data=str(source.get("description") or source.get("directory") or "")[:512],
        listing_sha256=str(source["listing_sha256"]) if source.get("listing_sha256") else None,
        files=_count(source.get("files")),
        validated_by=str(section.get("validated_by") or "")[:128],
        validated_at=str(section.get("validated_at") or "")[:64],
        method=str(section.get("method") or "")[:128],
    )


def card_path(uri: str, sha256: str, directory: Path = BUILTIN_DIR) -> Path | None:
    """The shipped card (``<name>-v<version>.json``) of a builtin file with this sha256, or None."""
    for path in sorted(directory.glob("*.json")):
        data: dict[str, Any] = json.loads(path.read_text())
        if (
            BUILTIN_PREFIX + str(data.get("file")) == uri
            and str(data.get("sha256")).lower() == sha256.lower()
        ):
            return path
    return None


def builtin_card_data(uri: str, sha256: str) -> dict[str, Any] | None:
    """The whole shipped card of a builtin file with this sha256 (read fresh: ``--write-card`` edits it)."""
    path = card_path(uri, sha256)
    return None if path is None else dict(json.loads(path.read_text()))


@functools.cache
def builtin_validation(uri: str, sha256: str) -> Validation | None:
    """The validated rates of a shipped model file (``builtin:<file>`` with the card's sha256), or None:
    an operator's own model, or a builtin row whose file changed, declares none we can vouch for."""
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        data: dict[str, Any] = json.loads(path.read_text())
        same_file = BUILTIN_PREFIX + str(data.get("file")) == uri
        if same_file and str(data.get("sha256")).lower() == sha256.lower():
            return validation_of(data)
    return None


def _card(path: Path) -> ModelCard:
    data: dict[str, Any] = json.loads(path.read_text())
    thresholds = data.get("thresholds") or {}
    limits = data.get("limitations") or ""
    return ModelCard(
        name=str(data["name"]),
        version=str(data["version"]),
        kind=str(data["kind"]),
        file=str(data["file"]),
        sha256=str(data["sha256"]).lower(),
        sample_rate=int(data["sample_rate"]) if data.get("sample_rate") else None,
        window_samples=int(data["window_samples"]) if data.get("window_samples") else None,
        suspicious=float(thresholds["suspicious"]),
        alert=float(thresholds["alert"]),
        description=f"Shipped with roomsvc ({path.name}). {limits}".strip()[:2048],
        alerting=alerting_of(data),
    )


def builtin_cards(directory: Path = BUILTIN_DIR) -> list[ModelCard]:
    """Every model card shipped in ``directory`` whose ONNX file is there too."""
    cards = []
    for path in sorted(directory.glob("*.json")):
        card = _card(path)
        if (directory / card.file).is_file():
            cards.append(card)
    return cards


def resolve(uri: str, directory: Path = BUILTIN_DIR) -> Path:
    """The file a registry ``uri`` names; only builtin files and absolute paths are accepted."""
    if uri.startswith(BUILTIN_PREFIX):
        name = uri[len(BUILTIN_PREFIX) :]
        if not name or "/" in name or name.startswith("."):
            raise ModelUnavailable(f"{uri!r} does not name a shipped model file")
        return directory / name
    path = Path(uri)
    if not path.is_absolute():
        raise ModelUnavailable(f"{uri!r} is neither builtin:<file> nor an absolute path")
    return path


def validate_uri(uri: str) -> None:
    """Raise :class:`ModelUnavailable` when ``uri`` has a form the worker would refuse."""
    resolve(uri)


def read_verified(uri: str, sha256: str, directory: Path = BUILTIN_DIR) -> bytes:
    """The file's bytes, after checking they hash to ``sha256``."""
    path = resolve(uri, directory)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelUnavailable(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256.lower():
        raise ModelUnavailable(
            f"sha256 of {path.name} is {digest[:12]}…, the registry expects {sha256[:12]}…; refusing to load"
        )
    return data
