"""Detection rows → API responses (the one place detection is shaped for the outside)."""

from __future__ import annotations

import dataclasses

import msgspec

from roomsvc.detection import gate, registry
from roomsvc.detection.records import Detection, DetectionModel
from roomsvc.detection.schemas import (
    ActionGate,
    AlertingSpec,
    DeployedValidationOut,
    DetectionOut,
    ModelOut,
    ModelRef,
    ModelValidation,
    RateWithCI,
    Thresholds,
)
from roomsvc.types import to_struct


def alerting_spec(alerting: registry.Alerting) -> AlertingSpec | None:
    """The alerting sent to the worker and shown in the listing; None for the defaults (the settings)."""
    if alerting == registry.DEFAULT_ALERTING:
        return None
    return msgspec.convert(alerting.to_json(), AlertingSpec)


def _ci(value: tuple[float, float] | None) -> list[float] | None:
    return None if value is None else [round(value[0], 6), round(value[1], 6)]


def deployed_validation_out(declared: registry.DeployedValidation) -> DeployedValidationOut:
    thresholds = None
    if declared.alert_threshold is not None and declared.suspicious_threshold is not None:
        thresholds = Thresholds(suspicious=declared.suspicious_threshold, alert=declared.alert_threshold)
    return DeployedValidationOut(
        thresholds=thresholds,
        window_false_alarm_at_alert=RateWithCI(
            rate=declared.false_alarm_rate_at_alert, ci95=_ci(declared.false_alarm_ci95_at_alert)
        ),
        window_false_alarm_at_suspicious=RateWithCI(
            rate=declared.false_alarm_rate_at_suspicious, ci95=_ci(declared.false_alarm_ci95_at_suspicious)
        ),
        detection_rate_at_alert=declared.detection_rate_at_alert,
        detection_rate_at_suspicious=declared.detection_rate_at_suspicious,
        eer=declared.eer,
        eer_ci95=_ci(declared.eer_ci95),
        genuine_windows=declared.genuine_windows,
        synthetic_windows=declared.synthetic_windows,
        genuine_speakers=declared.genuine_speakers,
        synthetic_voices=declared.synthetic_voices,
        track_false_alerts_per_hour=RateWithCI(
            rate=declared.track_false_alerts_per_hour, ci95=_ci(declared.track_false_alerts_per_hour_ci95)
        ),
        genuine_speech_hours=declared.genuine_speech_hours,
        alert_latency_median_seconds=declared.alert_latency_median_seconds,
        opus_bitrates=list(declared.opus_bitrates),
        data=declared.data,
        files=declared.files,
        listing_sha256=declared.listing_sha256,
        validated_by=declared.validated_by,
        validated_at=declared.validated_at,
        method=declared.method,
    )


def model_out(model: DetectionModel, max_false_alarm: float) -> ModelOut:
    """A registry row with what its card declares, its validated rates and what the safety gate says."""
    thresholds = Thresholds(suspicious=model.suspicious_threshold, alert=model.alert_threshold)
    declared = registry.builtin_validation(model.uri, model.sha256) if model.builtin else None
    validation = None if declared is None else ModelValidation(**dataclasses.asdict(declared))
    deployed = gate.validation(model)
    why = gate.refusal(model, max_false_alarm)
    return to_struct(
        ModelOut,
        model,
        thresholds=thresholds,
        validation=validation,
        deployed_validation=None if deployed is None else deployed_validation_out(deployed),
        alerting=alerting_spec(gate.alerting(model)),
        gate=ActionGate(actions_allowed=why is None, reason=why or "", max_false_alarm=max_false_alarm),
    )


def detection_out(row: Detection) -> DetectionOut:
    model = ModelRef(id=row.model_id, name=row.model_name, version=row.model_version)
    return to_struct(DetectionOut, row, room=row.room_name, call=row.room_sid, model=model)
