"""Detection rows → API responses (the one place detection is shaped for the outside)."""

from __future__ import annotations

import dataclasses

from roomsvc.detection import registry
from roomsvc.detection.records import Detection, DetectionModel
from roomsvc.detection.schemas import DetectionOut, ModelOut, ModelRef, ModelValidation, Thresholds
from roomsvc.types import to_struct


def model_out(model: DetectionModel) -> ModelOut:
    thresholds = Thresholds(suspicious=model.suspicious_threshold, alert=model.alert_threshold)
    declared = registry.builtin_validation(model.uri, model.sha256) if model.builtin else None
    validation = None if declared is None else ModelValidation(**dataclasses.asdict(declared))
    return to_struct(ModelOut, model, thresholds=thresholds, validation=validation)


def detection_out(row: Detection) -> DetectionOut:
    model = ModelRef(id=row.model_id, name=row.model_name, version=row.model_version)
    return to_struct(DetectionOut, row, room=row.room_name, call=row.room_sid, model=model)
