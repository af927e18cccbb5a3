"""Model files: the cards of the models shipped in ``detection/models/``, where a registry ``uri`` points,
and the sha256 check every load goes through.

A registry row names a file by ``uri``: ``builtin:<file>`` for a file shipped in this package, or an
absolute path on the worker hosts for an operator's model. The worker reads the file's bytes once,
hashes them, and builds the ONNX session from those same bytes — so the model that runs is exactly the
one whose sha256 the registry holds, or none runs at all.

A leaf shared with the agent process (:mod:`roomsvc.agent`): the standard library only.
"""

from __future__ import annotations

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
