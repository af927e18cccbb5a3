"""Model files: shipped cards, sha256 verification, ONNX contracts, and the real baseline + Silero VAD."""

from __future__ import annotations

import datetime as dt
import hashlib
import wave
from pathlib import Path

import numpy as np
import pytest

from roomsvc.agent.detectors.base import DetectorError
from roomsvc.agent.detectors.faces import FaceFinder
from roomsvc.agent.detectors.onnx import OnnxAudioDetector, OnnxVideoDetector
from roomsvc.agent.pipeline import AudioAnalyzer, HopChunker, Hysteresis, hop_samples
from roomsvc.agent.runtime import SileroVad, vad_session
from roomsvc.detection import registry

ROOT = Path(__file__).resolve().parents[3]
HELDOUT = ROOT / "training" / "detection" / "heldout"


def _baseline() -> registry.ModelCard:
    cards = [c for c in registry.builtin_cards() if c.kind == "audio"]
    assert cards, "the audio baseline ships in src/roomsvc/detection/models/"
    return cards[0]


def _detector(card: registry.ModelCard) -> OnnxAudioDetector:
    data = registry.read_verified(card.uri, card.sha256)
    assert card.window_samples is not None
    return OnnxAudioDetector(
        data, model_id=1, name=card.name, version=card.version, window_samples=card.window_samples
    )


def _pcm(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        assert wav.getframerate() == 16_000 and wav.getnchannels() == 1
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)


def test_shipped_card_matches_its_file() -> None:
    card = _baseline()
    path = registry.resolve(card.uri)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == card.sha256
    assert card.sample_rate == 16_000 and card.window_samples
    assert 0.0 <= card.suspicious <= card.alert <= 1.0


def test_wrong_sha256_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "m.onnx"
    model.write_bytes(b"not the model")
    with pytest.raises(registry.ModelUnavailable, match="sha256"):
        registry.read_verified(str(model), "0" * 64)
    assert (
        registry.read_verified(str(model), hashlib.sha256(b"not the model").hexdigest()) == b"not the model"
    )


@pytest.mark.parametrize("uri", ["relative/model.onnx", "builtin:../x.onnx", "builtin:", "builtin:a/b"])
def test_only_builtin_names_and_absolute_paths(uri: str) -> None:
    with pytest.raises(registry.ModelUnavailable):
        registry.validate_uri(uri)


def test_missing_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(registry.ModelUnavailable, match="cannot read"):
        registry.read_verified(str(tmp_path / "absent.onnx"), "0" * 64)


def test_onnx_contract_is_checked_at_load() -> None:
    card = _baseline()
    data = registry.read_verified(card.uri, card.sha256)
    assert card.window_samples is not None
    with pytest.raises(registry.ModelUnavailable, match="input shape"):
        OnnxAudioDetector(data, model_id=1, name="x", version="1", window_samples=card.window_samples // 2)
    with pytest.raises(registry.ModelUnavailable, match="input shape"):
        OnnxVideoDetector(data, model_id=1, name="x", version="1", input_size=224)
    with pytest.raises(registry.ModelUnavailable, match="cannot load"):
        OnnxAudioDetector(b"garbage", model_id=1, name="x", version="1", window_samples=64_000)


def test_baseline_scores_are_probabilities() -> None:
    card = _baseline()
    detector = _detector(card)
    rng = np.random.default_rng(0)
    for window in (
        np.zeros(detector.window_samples, np.float32),
        rng.uniform(-0.5, 0.5, detector.window_samples),
    ):
        score = detector.score(window.astype(np.float32))
        assert 0.0 <= score <= 1.0
    with pytest.raises(DetectorError):
        detector.score(np.zeros(10, np.float32))


def test_silero_gates_silence_and_passes_speech_to_the_baseline() -> None:
    card = _baseline()
    detector = _detector(card)
    speech = _pcm(HELDOUT / "genuine_cmu_arctic_a0007.wav")
    audio = np.concatenate([np.zeros(16_000 * 6, np.int16), speech, speech])
    analyzer = AudioAnalyzer(
        detector, SileroVad(vad_session()), Hysteresis(card.suspicious, card.alert), min_speech=0.3
    )
    chunker = HopChunker(hop_samples(2.0))
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    scored = []
    for offset in range(0, len(audio), 800):
        frame = audio[offset : offset + 800]
        for hop in chunker.push(frame, start + dt.timedelta(seconds=(offset + len(frame)) / 16_000)):
            result = analyzer.process(hop)
            if result is not None:
                scored.append(result)
    assert analyzer.skipped >= 1  # the 6 s of silence produced windows that were never scored
    assert scored, "speech windows must be scored"
    assert all(s.start >= start + dt.timedelta(seconds=2) for s in scored)
    assert all(0.0 <= s.score <= 1.0 and s.speech_ratio >= 0.3 for s in scored)


def test_face_finder_finds_nothing_in_a_blank_frame() -> None:
    finder = FaceFinder()
    assert finder.faces(np.zeros((480, 640, 3), np.uint8)) == []
    crop = FaceFinder.crop(np.zeros((100, 100, 3), np.uint8), (10, 10, 50, 50))
    assert crop.shape == (70, 70, 3)
