"""What one job process holds, built by the worker's prewarm hook (never at import): the inference
thread pool, the Silero VAD session, verified detectors cached by sha256, and per-thread face finders.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import msgspec
import structlog

from roomsvc.agent.detectors.base import AudioDetector, VideoDetector
from roomsvc.agent.detectors.faces import FaceFinder
from roomsvc.agent.detectors.onnx import OnnxAudioDetector, OnnxVideoDetector
from roomsvc.config import Settings
from roomsvc.detection import registry
from roomsvc.detection.pipeline import SAMPLE_RATE, SileroVad, vad_session
from roomsvc.detection.schemas import WorkerModel

log = structlog.get_logger("roomsvc.agent.runtime")
D = TypeVar("D", OnnxAudioDetector, OnnxVideoDetector)
NO_VIDEO_MODEL = "no video model"
NO_AUDIO_MODEL = "no audio model"


def worker_alerting(model: WorkerModel) -> registry.Alerting:
    """The alerting the API sent with the model; a section the worker cannot apply falls back to the
    defaults (logged) rather than stopping detection."""
    if model.alerting is None:
        return registry.DEFAULT_ALERTING
    try:
        return registry.alerting_of({"alerting": msgspec.to_builtins(model.alerting)})
    except ValueError as exc:
        log.error("detection.alerting_unusable", model=f"{model.name}@{model.version}", error=str(exc))
        return registry.DEFAULT_ALERTING


class JobRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.executor = ThreadPoolExecutor(
            max_workers=settings.detection.threads, thread_name_prefix="roomsvc-detect"
        )
        self._vad_session = vad_session()
        self._detectors: dict[tuple[int, str], OnnxAudioDetector | OnnxVideoDetector] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def new_vad(self) -> SileroVad:
        return SileroVad(self._vad_session)

    def face_finder(self) -> FaceFinder:
        """One per inference thread (an OpenCV cascade is not safe to share between threads)."""
        finder: FaceFinder | None = getattr(self._local, "faces", None)
        if finder is None:
            finder = self._local.faces = FaceFinder()
        return finder

    def _load(self, model: WorkerModel) -> OnnxAudioDetector | OnnxVideoDetector:
        key = (model.id, model.sha256)
        with self._lock:
            if key in self._detectors:
                return self._detectors[key]
        data = registry.read_verified(model.uri, model.sha256)
        threads = 1
        detector: OnnxAudioDetector | OnnxVideoDetector
        if model.kind == "audio":
            if model.sample_rate not in (None, SAMPLE_RATE):
                raise registry.ModelUnavailable(
                    f"audio models must take {SAMPLE_RATE} Hz, not {model.sample_rate}"
                )
            detector = OnnxAudioDetector(
                data,
                model_id=model.id,
                name=model.name,
                version=model.version,
                window_samples=model.window_samples or 64_000,
                threads=threads,
            )
        else:
            detector = OnnxVideoDetector(
                data,
                model_id=model.id,
                name=model.name,
                version=model.version,
                input_size=model.input_size or 224,
                threads=threads,
            )
        with self._lock:
            self._detectors[key] = detector
        log.info("detection.model_loaded", model=f"{model.name}@{model.version}", kind=model.kind)
        return detector

    def audio_detector(self, model: WorkerModel | None) -> tuple[AudioDetector | None, str]:
        """The verified detector and a status line; (None, why) when there is no usable model."""
        if model is None:
            return None, NO_AUDIO_MODEL
        return self._verified(model, OnnxAudioDetector)

    def video_detector(self, model: WorkerModel | None) -> tuple[VideoDetector | None, str]:
        if model is None:
            return None, NO_VIDEO_MODEL
        return self._verified(model, OnnxVideoDetector)

    def _verified(self, model: WorkerModel, kind: type[D]) -> tuple[D | None, str]:
        label = f"{model.name}@{model.version}"
        try:
            detector = self._load(model)
            if not isinstance(detector, kind):
                raise registry.ModelUnavailable(f"a {model.kind} model cannot score this kind of track")
        except registry.ModelUnavailable as exc:
            log.error("detection.model_unavailable", model=label, error=str(exc))
            return None, f"{label} unavailable: {exc}"[:256]
        return detector, f"{label} loaded (sha256 verified)"

    def prewarm_builtin(self) -> None:
        """Load the shipped models now, so a job's first window does not pay for it."""
        for card in registry.builtin_cards():
            try:
                data = registry.read_verified(card.uri, card.sha256)
                if card.kind == "audio" and card.window_samples:
                    OnnxAudioDetector(
                        data,
                        model_id=0,
                        name=card.name,
                        version=card.version,
                        window_samples=card.window_samples,
                    )
            except registry.ModelUnavailable as exc:
                log.warning("detection.builtin_unusable", model=f"{card.name}@{card.version}", error=str(exc))

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
