"""ONNX Runtime detectors: they live in :mod:`roomsvc.detection.onnx`, shared with calibration."""

from roomsvc.detection.onnx import OnnxAudioDetector, OnnxVideoDetector

__all__ = ["OnnxAudioDetector", "OnnxVideoDetector"]
