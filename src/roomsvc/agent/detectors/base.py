"""The detector interface the pipelines call (from an inference thread, never the event loop)."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from roomsvc.detection.pipeline import DetectorError

__all__ = ["AudioDetector", "DetectorError", "VideoDetector"]


class AudioDetector(Protocol):
    model_id: int
    name: str
    version: str
    sample_rate: int
    window_samples: int

    def score(self, window: npt.NDArray[np.float32]) -> float:
        """Probability in [0, 1] that ``window`` (``window_samples`` of mono PCM in [-1, 1]) is synthetic."""
        ...


class VideoDetector(Protocol):
    model_id: int
    name: str
    version: str
    input_size: int

    def score(self, face_rgb: npt.NDArray[np.uint8]) -> float:
        """Probability in [0, 1] that the face crop (H x W x 3, RGB) is forged."""
        ...
