"""Detectors: one interface (:mod:`.base`), ONNX backends (:mod:`.onnx`) and face finding (:mod:`.faces`).

The backends are (a) an operator's ONNX model and (b) the audio baseline this project trains
(``training/detection/``) and ships as ONNX — both loaded by :class:`.onnx.OnnxAudioDetector` after the
sha256 check. There is no other backend: no fallback, no random or constant score.
"""
