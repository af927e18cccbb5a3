"""ONNX Runtime detectors, built from bytes whose sha256 the registry vouched for (registry.read_verified).

Shared by the worker (``agent/runtime.py``) and calibration (``calibration.py``, ``roomsvc detection
evaluate``): a leaf of numpy and onnxruntime (cv2 only when a video model scores a face).

Contracts (checked when the model is loaded; a model that does not match is refused, not guessed at):

- audio: one float32 input of shape ``[1, window_samples]`` (dimensions may be symbolic) holding mono
  16 kHz PCM in [-1, 1] with no other preprocessing; first output of ``[1, 1]`` = probability that the
  window is synthetic speech.
- video: one float32 input of shape ``[1, 3, S, S]``, an RGB face crop resized to S x S and scaled to
  [0, 1]; first output of ``[1, 1]`` = probability that the face is forged.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from roomsvc.detection.pipeline import DetectorError
from roomsvc.detection.registry import ModelUnavailable


def _session(model: bytes, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    # Spinning threads burn a core while idle; inference here is bursty (one window per hop).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    try:
        return onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types for malformed graphs
        raise ModelUnavailable(f"ONNX Runtime cannot load the model: {str(exc)[:200]}") from None


def _fits(actual: list[Any], expected: list[int]) -> bool:
    """Symbolic (str/None) dimensions accept anything; numbers must match."""
    if len(actual) != len(expected):
        return False
    return all(not isinstance(a, int) or a == e for a, e in zip(actual, expected, strict=True))


def _probability(output: Any) -> float:
    values = np.asarray(output, dtype=np.float64).reshape(-1)
    if values.size != 1:
        raise DetectorError(f"the model returned {values.size} values, the contract says one")
    value = float(values[0])
    if not math.isfinite(value) or value < 0.0 or value > 1.0:
        raise DetectorError(f"the model returned {value!r}, not a probability")
    return value


class _OnnxDetector:
    def __init__(self, model: bytes, expected_input: list[int], *, threads: int) -> None:
        self._session = _session(model, threads)
        inputs = self._session.get_inputs()
        outputs = self._session.get_outputs()
        if len(inputs) != 1 or not outputs:
            raise ModelUnavailable(f"the model has {len(inputs)} inputs; the contract says one")
        if inputs[0].type != "tensor(float)":
            raise ModelUnavailable(f"the model's input is {inputs[0].type}; the contract says float32")
        if not _fits(list(inputs[0].shape), expected_input):
            raise ModelUnavailable(f"the model's input shape is {inputs[0].shape}, expected {expected_input}")
        if not _fits(list(outputs[0].shape), [1, 1]):
            raise ModelUnavailable(f"the model's output shape is {outputs[0].shape}, expected [1, 1]")
        self._input = inputs[0].name
        self._output = outputs[0].name

    def _run(self, tensor: npt.NDArray[np.float32]) -> float:
        return _probability(self._session.run([self._output], {self._input: tensor})[0])


class OnnxAudioDetector(_OnnxDetector):
    sample_rate = 16_000

    def __init__(
        self, model: bytes, *, model_id: int, name: str, version: str, window_samples: int, threads: int = 1
    ) -> None:
        super().__init__(model, [1, window_samples], threads=threads)
        self.model_id = model_id
        self.name = name
        self.version = version
        self.window_samples = window_samples

    def score(self, window: npt.NDArray[np.float32]) -> float:
        if window.shape != (self.window_samples,):
            raise DetectorError(f"window of {window.shape} samples, expected ({self.window_samples},)")
        return self._run(np.ascontiguousarray(window, dtype=np.float32).reshape(1, -1))


class OnnxVideoDetector(_OnnxDetector):
    def __init__(
        self, model: bytes, *, model_id: int, name: str, version: str, input_size: int, threads: int = 1
    ) -> None:
        super().__init__(model, [1, 3, input_size, input_size], threads=threads)
        self.model_id = model_id
        self.name = name
        self.version = version
        self.input_size = input_size

    def score(self, face_rgb: npt.NDArray[np.uint8]) -> float:
        import cv2

        size = self.input_size
        resized = cv2.resize(face_rgb, (size, size), interpolation=cv2.INTER_AREA)
        tensor = (resized.astype(np.float32) / 255.0).transpose(2, 0, 1)[np.newaxis]
        return self._run(np.ascontiguousarray(tensor))
