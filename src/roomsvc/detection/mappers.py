"""Detection rows → API responses (the one place detection is shaped for the outside)."""

from __future__ import annotations

from roomsvc.detection.records import Detection, DetectionModel
from roomsvc.detection.schemas import DetectionOut, ModelOut, ModelRef, Thresholds
from roomsvc.types import to_struct


def model_out(model: DetectionModel) -> ModelOut:
    thresholds = Thresholds(suspicious=model.suspicious_threshold, alert=model.alert_threshold)
    return to_struct(ModelOut, model, thresholds=thresholds)


def detection_out(row: Detection) -> DetectionOut:
    model = ModelRef(id=row.model_id, name=row.model_name, version=row.model_version)
    return to_struct(DetectionOut, row, room=row.room_name, call=row.room_sid, model=model)
