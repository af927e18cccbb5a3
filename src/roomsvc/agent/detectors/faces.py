"""Face finding for the video pipeline: OpenCV's Haar cascade (shipped in opencv-python-headless)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

# Frames are downscaled to this width before detection: Haar cost grows with pixels, faces in a call
# are large, and the crop handed to the model is cut from the full-resolution frame.
DETECT_WIDTH = 320


class FaceFinder:
    """Not thread-safe (a cascade keeps scratch state): one per inference thread or behind a lock."""

    def __init__(self, min_size: int = 40) -> None:
        import cv2

        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
        self._cascade: Any = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"cannot load the Haar cascade {path}")
        self._min_size = min_size

    def faces(self, rgb: npt.NDArray[np.uint8]) -> list[tuple[int, int, int, int]]:
        """(x, y, w, h) boxes in ``rgb``'s pixels, largest first."""
        import cv2

        height, width = rgb.shape[:2]
        scale = min(1.0, DETECT_WIDTH / max(width, 1))
        small = cv2.resize(rgb, (int(width * scale), int(height * scale))) if scale < 1.0 else rgb
        gray = cv2.equalizeHist(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
        minimum = max(12, int(self._min_size * scale))
        found = self._cascade.detectMultiScale(
            gray, scaleFactor=1.1, minNeighbors=5, minSize=(minimum, minimum)
        )
        boxes = [(int(x / scale), int(y / scale), int(w / scale), int(h / scale)) for x, y, w, h in found]
        return sorted(boxes, key=lambda b: b[2] * b[3], reverse=True)

    @staticmethod
    def crop(
        rgb: npt.NDArray[np.uint8], box: tuple[int, int, int, int], margin: float = 0.2
    ) -> npt.NDArray[np.uint8]:
        x, y, w, h = box
        dx, dy = int(w * margin), int(h * margin)
        top, left = max(0, y - dy), max(0, x - dx)
        return rgb[top : y + h + dy, left : x + w + dx]
