from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelValidation")


@_attrs_define
class ModelValidation:
    """
    Attributes:
        detection_rate_at_alert (float | None):
        detection_rate_at_suspicious (float | None):
        eer (float | None):
        false_alarm_rate_at_alert (float | None):
        false_alarm_rate_at_suspicious (float | None):
        genuine_windows (int | None):
        note (str):
        synthetic_windows (int | None):
    """

    detection_rate_at_alert: float | None
    detection_rate_at_suspicious: float | None
    eer: float | None
    false_alarm_rate_at_alert: float | None
    false_alarm_rate_at_suspicious: float | None
    genuine_windows: int | None
    note: str
    synthetic_windows: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detection_rate_at_alert: float | None
        detection_rate_at_alert = self.detection_rate_at_alert

        detection_rate_at_suspicious: float | None
        detection_rate_at_suspicious = self.detection_rate_at_suspicious

        eer: float | None
        eer = self.eer

        false_alarm_rate_at_alert: float | None
        false_alarm_rate_at_alert = self.false_alarm_rate_at_alert

        false_alarm_rate_at_suspicious: float | None
        false_alarm_rate_at_suspicious = self.false_alarm_rate_at_suspicious

        genuine_windows: int | None
        genuine_windows = self.genuine_windows

        note = self.note

        synthetic_windows: int | None
        synthetic_windows = self.synthetic_windows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "detection_rate_at_alert": detection_rate_at_alert,
                "detection_rate_at_suspicious": detection_rate_at_suspicious,
                "eer": eer,
                "false_alarm_rate_at_alert": false_alarm_rate_at_alert,
                "false_alarm_rate_at_suspicious": false_alarm_rate_at_suspicious,
                "genuine_windows": genuine_windows,
                "note": note,
                "synthetic_windows": synthetic_windows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_detection_rate_at_alert(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        detection_rate_at_alert = _parse_detection_rate_at_alert(d.pop("detection_rate_at_alert"))

        def _parse_detection_rate_at_suspicious(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        detection_rate_at_suspicious = _parse_detection_rate_at_suspicious(d.pop("detection_rate_at_suspicious"))

        def _parse_eer(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        eer = _parse_eer(d.pop("eer"))

        def _parse_false_alarm_rate_at_alert(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        false_alarm_rate_at_alert = _parse_false_alarm_rate_at_alert(d.pop("false_alarm_rate_at_alert"))

        def _parse_false_alarm_rate_at_suspicious(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        false_alarm_rate_at_suspicious = _parse_false_alarm_rate_at_suspicious(d.pop("false_alarm_rate_at_suspicious"))

        def _parse_genuine_windows(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        genuine_windows = _parse_genuine_windows(d.pop("genuine_windows"))

        note = d.pop("note")

        def _parse_synthetic_windows(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        synthetic_windows = _parse_synthetic_windows(d.pop("synthetic_windows"))

        model_validation = cls(
            detection_rate_at_alert=detection_rate_at_alert,
            detection_rate_at_suspicious=detection_rate_at_suspicious,
            eer=eer,
            false_alarm_rate_at_alert=false_alarm_rate_at_alert,
            false_alarm_rate_at_suspicious=false_alarm_rate_at_suspicious,
            genuine_windows=genuine_windows,
            note=note,
            synthetic_windows=synthetic_windows,
        )

        model_validation.additional_properties = d
        return model_validation

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
