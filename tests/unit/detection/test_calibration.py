"""Calibration on the deployment path (issue 15): the Opus round trip is really applied, windows are the
worker's own, rates and thresholds are per speaker, and cards' alerting and validation sections are read
as the worker and the safety gate read them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roomsvc.agent.offline import read_wav
from roomsvc.detection import calibration, registry
from roomsvc.detection.pipeline import VAD_CHUNK, Hysteresis, hop_samples

HELDOUT = Path(__file__).resolve().parents[3] / "training" / "detection" / "heldout"


@pytest.fixture(scope="module")
def genuine() -> np.ndarray:
    return read_wav(HELDOUT / "genuine_cmu_arctic_a0007.wav")


@pytest.mark.parametrize("bitrate", [12_000, 32_000])
def test_the_opus_round_trip_is_really_applied(genuine: np.ndarray, bitrate: int) -> None:
    decoded = calibration.opus_roundtrip(genuine, 16_000, bitrate)
    assert decoded.dtype == np.int16 and decoded.shape == genuine.shape
    difference = np.abs(decoded.astype(np.float64) - genuine.astype(np.float64))
    assert difference.mean() > 20  # a lossy codec changed the samples...
    # ...but it is the same speech, aligned in time (no codec delay left over)
    assert np.corrcoef(decoded.astype(np.float64), genuine.astype(np.float64))[0, 1] > 0.8
    # The bitrate is really applied: another one decodes to other samples.
    other = calibration.opus_roundtrip(genuine, 16_000, 48_000 if bitrate == 12_000 else 12_000)
    assert np.abs(other.astype(np.float64) - decoded).mean() > 10


def test_the_round_trip_resamples_any_rate_to_16_khz(genuine: np.ndarray) -> None:
    at_44k = calibration._resample(genuine.astype(np.float32) / 32768, 16_000, 44_100)
    assert len(at_44k) == round(len(genuine) * 44_100 / 16_000)
    decoded = calibration.opus_roundtrip(at_44k, 44_100, 24_000)
    assert decoded.dtype == np.int16 and len(decoded) == round(len(at_44k) * 16_000 / 44_100)
    with pytest.raises(ValueError, match="bitrate"):
        calibration.opus_roundtrip(genuine, 16_000, 1_000)


def test_deployment_windows_are_the_workers_windows(genuine: np.ndarray) -> None:
    track = np.concatenate([genuine, genuine, genuine])  # 12 s of speech
    windows = calibration.deployment_windows(track, window_samples=64_000, hop_seconds=2.0)
    hop = hop_samples(2.0)
    # The first window is full after ceil(64000 / hop) hops, then one per hop.
    expected = len(track) // hop - (-(-64_000 // hop)) + 1
    assert len(windows) == expected and all(w.shape == (64_000,) and w.dtype == np.float32 for w in windows)
    # The last window ends at the last whole hop, as the worker's analyzer keeps it.
    end = (len(track) // hop) * hop
    np.testing.assert_allclose(windows[-1], track[end - 64_000 : end].astype(np.float32) / 32768.0)
    silence = np.zeros(len(track), dtype=np.int16)
    assert calibration.deployment_windows(silence, window_samples=64_000) == []  # the VAD gate


def test_rates_and_speaker_level_thresholds() -> None:
    assert calibration.eer([0.1, 0.2, 0.3], [0.7, 0.8, 0.9]) == 0.0
    assert calibration.eer([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert calibration.false_alarm_rate([0.1, 0.5, 0.9, 0.95], 0.9) == 0.5
    by_speaker = {"talkative": np.full(98, 0.1), "quiet": np.array([0.95, 0.2])}
    # Pooled, 1 window in 100 alarms at 0.9; per speaker, the quiet one alarms half the time.
    assert calibration.speaker_false_alarm_rate(by_speaker, 0.9) == pytest.approx(0.25)
    threshold = calibration.threshold_for_false_alarm(by_speaker, 0.01)
    assert threshold > 0.95 and calibration.speaker_false_alarm_rate(by_speaker, threshold) == 0.0
    low, high = calibration.speaker_bootstrap_ci(by_speaker, lambda s: float((s >= 0.9).mean()), n=200)
    assert low == 0.0 and high == pytest.approx(0.5)  # resampling speakers: both quiet ones, or none
    assert calibration.speaker_bootstrap_ci({}, np.mean) != calibration.speaker_bootstrap_ci(
        {}, np.mean
    )  # nan


def test_track_alerting_from_a_card() -> None:
    assert registry.alerting_of({}) == registry.DEFAULT_ALERTING
    card = {"alerting": {"smoothing": "ema", "ema_alpha": 0.5, "min_consecutive": 3, "clear_below": 0.3}}
    alerting = registry.alerting_of(card)
    h = Hysteresis.for_model(0.6, 0.8, alerting, margin=0.05, smoothing=2)
    states = [h.update(s)[1] for s in (0.95, 0.95, 0.95, 0.95, 0.5, 0.5, 0.1, 0.1)]
    # ema: .95, .95, .95, .95 → alert only on the third window in a row; then .725 (suspicious: falls
    # below alert - margin), .6125 stays suspicious (clear_below 0.3), .356, then .228 → clear.
    assert states == ["clear", "clear", "alert", "alert", "suspicious", "suspicious", "suspicious", "clear"]
    # The defaults are the worker's behaviour before cards said anything: mean of 2, at once.
    default = Hysteresis.for_model(0.6, 0.8, registry.DEFAULT_ALERTING, margin=0.05, smoothing=2)
    assert [default.update(s)[1] for s in (0.9, 0.9, 0.3, 0.1)] == ["alert", "alert", "suspicious", "clear"]
    for bad, key in (
        ({"smoothing": "median"}, "smoothing"),
        ({"smoothing": "ema"}, "ema_alpha"),
        ({"min_consecutive": 0}, "min_consecutive"),
        ({"window": 3}, "window"),
    ):
        with pytest.raises(ValueError, match=key):
            registry.alerting_of({"alerting": bad})


def test_a_validation_allows_actions_only_at_its_own_thresholds_and_alerting() -> None:
    section = {
        "thresholds": {"suspicious": 0.6, "alert": 0.8},
        "window_false_alarm": {"alert": {"rate": 0.003, "ci95": [0.001, 0.006]}},
        "track": {"false_alerts_per_hour": 0.08},
        "deployment_path": {"opus_bitrates": [16000]},
    }
    declared = registry.deployed_validation_of({"validation": section})
    assert declared is not None and declared.false_alarm_ci95_at_alert == (0.001, 0.006)
    ok = {"alert_threshold": 0.8, "alerting": registry.DEFAULT_ALERTING}
    assert declared.refusal(**ok, max_false_alarm=0.005) is None
    assert "above" in (declared.refusal(**ok, max_false_alarm=0.002) or "")
    assert "threshold" in (
        declared.refusal(alert_threshold=0.7, alerting=registry.DEFAULT_ALERTING, max_false_alarm=0.005) or ""
    )
    other = registry.Alerting(min_consecutive=2)
    assert "alerting" in (declared.refusal(alert_threshold=0.8, alerting=other, max_false_alarm=0.005) or "")
    no_track = section | {"track": {}}
    refused = registry.deployed_validation_of({"validation": no_track})
    assert refused is not None and "per hour" in (refused.refusal(**ok, max_false_alarm=0.005) or "")
    # The shipped baseline's card declares training-time figures only: nothing the gate accepts.
    baseline = next(c for c in registry.builtin_cards() if c.name == "audio-baseline")
    assert registry.deployed_validation_of(registry.builtin_card_data(baseline.uri, baseline.sha256)) is None


def test_track_false_alerts_are_counted_per_hour_of_speech(genuine: np.ndarray) -> None:
    card = next(c for c in registry.builtin_cards() if c.name == "audio-baseline")
    model = calibration.load_card(card)
    track = calibration.opus_roundtrip(np.concatenate([genuine] * 3), 16_000, 24_000)
    recording = calibration.Recording("a0007x3", "cmu", track)
    # Thresholds of 0: every scored window is an alert, entered once per track.
    always = calibration.with_alerting(model, registry.DEFAULT_ALERTING)
    always.suspicious = always.alert = 0.0
    rate = calibration.track_false_alerts_per_hour(always, [recording, recording], n=50)
    assert rate.alerts == 2 and rate.recordings == 2 and rate.speakers == 1
    assert 0 < rate.speech_hours * 3600 <= 2 * len(track) / 16_000
    assert rate.per_hour == pytest.approx(2 / rate.speech_hours)
    assert all(len(run.scores) == run.windows > 0 for run in rate.runs)
    latency = calibration.alert_latency(always, [recording])
    assert latency.detected == 1 and latency.median is not None and latency.median >= 64_000 / 16_000 - 1
    never = calibration.with_alerting(model, registry.Alerting(min_consecutive=100))
    assert calibration.track_false_alerts_per_hour(never, [recording], n=10).alerts == 0
    assert VAD_CHUNK == 512
