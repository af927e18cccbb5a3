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
from dataclasses import dataclass
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
