from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rate_with_ci import RateWithCI
    from ..models.thresholds import Thresholds


T = TypeVar("T", bound="DeployedValidationOut")


@_attrs_define
class DeployedValidationOut:
    """
    Attributes:
        alert_latency_median_seconds (float | None):
        data (str): what it was measured on
        detection_rate_at_alert (float | None):
        detection_rate_at_suspicious (float | None):
        eer (float | None):
        eer_ci95 (list[float] | None):
        files (int | None):
        genuine_speakers (int | None):
        genuine_speech_hours (float | None):
        genuine_windows (int | None):
        listing_sha256 (None | str):
        method (str):
        opus_bitrates (list[int]):
        synthetic_voices (int | None):
        synthetic_windows (int | None):
        thresholds (None | Thresholds):
        track_false_alerts_per_hour (RateWithCI):
        validated_at (str):
        validated_by (str):
        window_false_alarm_at_alert (RateWithCI):
        window_false_alarm_at_suspicious (RateWithCI):
    """

    alert_latency_median_seconds: float | None
    data: str
    detection_rate_at_alert: float | None
    detection_rate_at_suspicious: float | None
    eer: float | None
    eer_ci95: list[float] | None
    files: int | None
    genuine_speakers: int | None
    genuine_speech_hours: float | None
    genuine_windows: int | None
    listing_sha256: None | str
    method: str
    opus_bitrates: list[int]
    synthetic_voices: int | None
    synthetic_windows: int | None
    thresholds: None | Thresholds
    track_false_alerts_per_hour: RateWithCI
    validated_at: str
    validated_by: str
    window_false_alarm_at_alert: RateWithCI
    window_false_alarm_at_suspicious: RateWithCI
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.thresholds import Thresholds  # noqa: PLC0415

        alert_latency_median_seconds: float | None
        alert_latency_median_seconds = self.alert_latency_median_seconds

        data = self.data

        detection_rate_at_alert: float | None
        detection_rate_at_alert = self.detection_rate_at_alert

        detection_rate_at_suspicious: float | None
        detection_rate_at_suspicious = self.detection_rate_at_suspicious

        eer: float | None
        eer = self.eer

        eer_ci95: list[float] | None
        if isinstance(self.eer_ci95, list):
            eer_ci95 = self.eer_ci95

        else:
            eer_ci95 = self.eer_ci95

        files: int | None
        files = self.files

        genuine_speakers: int | None
        genuine_speakers = self.genuine_speakers

        genuine_speech_hours: float | None
        genuine_speech_hours = self.genuine_speech_hours

        genuine_windows: int | None
        genuine_windows = self.genuine_windows

        listing_sha256: None | str
        listing_sha256 = self.listing_sha256

        method = self.method

        opus_bitrates = self.opus_bitrates

        synthetic_voices: int | None
        synthetic_voices = self.synthetic_voices

        synthetic_windows: int | None
        synthetic_windows = self.synthetic_windows

        thresholds: dict[str, Any] | None
        if isinstance(self.thresholds, Thresholds):
            thresholds = self.thresholds.to_dict()
        else:
            thresholds = self.thresholds

        track_false_alerts_per_hour = self.track_false_alerts_per_hour.to_dict()

        validated_at = self.validated_at

        validated_by = self.validated_by

        window_false_alarm_at_alert = self.window_false_alarm_at_alert.to_dict()

        window_false_alarm_at_suspicious = self.window_false_alarm_at_suspicious.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alert_latency_median_seconds": alert_latency_median_seconds,
                "data": data,
                "detection_rate_at_alert": detection_rate_at_alert,
                "detection_rate_at_suspicious": detection_rate_at_suspicious,
                "eer": eer,
                "eer_ci95": eer_ci95,
                "files": files,
                "genuine_speakers": genuine_speakers,
                "genuine_speech_hours": genuine_speech_hours,
                "genuine_windows": genuine_windows,
                "listing_sha256": listing_sha256,
                "method": method,
                "opus_bitrates": opus_bitrates,
                "synthetic_voices": synthetic_voices,
                "synthetic_windows": synthetic_windows,
                "thresholds": thresholds,
                "track_false_alerts_per_hour": track_false_alerts_per_hour,
                "validated_at": validated_at,
                "validated_by": validated_by,
                "window_false_alarm_at_alert": window_false_alarm_at_alert,
                "window_false_alarm_at_suspicious": window_false_alarm_at_suspicious,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_with_ci import RateWithCI  # noqa: PLC0415
        from ..models.thresholds import Thresholds  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_alert_latency_median_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        alert_latency_median_seconds = _parse_alert_latency_median_seconds(d.pop("alert_latency_median_seconds"))

        data = d.pop("data")

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

        def _parse_eer_ci95(data: object) -> list[float] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                eer_ci95_type_0 = cast(list[float], data)

                return eer_ci95_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None, data)

        eer_ci95 = _parse_eer_ci95(d.pop("eer_ci95"))

        def _parse_files(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        files = _parse_files(d.pop("files"))

        def _parse_genuine_speakers(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        genuine_speakers = _parse_genuine_speakers(d.pop("genuine_speakers"))

        def _parse_genuine_speech_hours(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        genuine_speech_hours = _parse_genuine_speech_hours(d.pop("genuine_speech_hours"))

        def _parse_genuine_windows(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        genuine_windows = _parse_genuine_windows(d.pop("genuine_windows"))

        def _parse_listing_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        listing_sha256 = _parse_listing_sha256(d.pop("listing_sha256"))

        method = d.pop("method")

        opus_bitrates = cast(list[int], d.pop("opus_bitrates"))

        def _parse_synthetic_voices(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        synthetic_voices = _parse_synthetic_voices(d.pop("synthetic_voices"))

        def _parse_synthetic_windows(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        synthetic_windows = _parse_synthetic_windows(d.pop("synthetic_windows"))

        def _parse_thresholds(data: object) -> None | Thresholds:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                thresholds_type_0 = Thresholds.from_dict(data)

                return thresholds_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Thresholds, data)

        thresholds = _parse_thresholds(d.pop("thresholds"))

        track_false_alerts_per_hour = RateWithCI.from_dict(d.pop("track_false_alerts_per_hour"))

        validated_at = d.pop("validated_at")

        validated_by = d.pop("validated_by")

        window_false_alarm_at_alert = RateWithCI.from_dict(d.pop("window_false_alarm_at_alert"))

        window_false_alarm_at_suspicious = RateWithCI.from_dict(d.pop("window_false_alarm_at_suspicious"))

        deployed_validation_out = cls(
            alert_latency_median_seconds=alert_latency_median_seconds,
            data=data,
            detection_rate_at_alert=detection_rate_at_alert,
            detection_rate_at_suspicious=detection_rate_at_suspicious,
            eer=eer,
            eer_ci95=eer_ci95,
            files=files,
            genuine_speakers=genuine_speakers,
            genuine_speech_hours=genuine_speech_hours,
            genuine_windows=genuine_windows,
            listing_sha256=listing_sha256,
            method=method,
            opus_bitrates=opus_bitrates,
            synthetic_voices=synthetic_voices,
            synthetic_windows=synthetic_windows,
            thresholds=thresholds,
            track_false_alerts_per_hour=track_false_alerts_per_hour,
            validated_at=validated_at,
            validated_by=validated_by,
            window_false_alarm_at_alert=window_false_alarm_at_alert,
            window_false_alarm_at_suspicious=window_false_alarm_at_suspicious,
        )

        deployed_validation_out.additional_properties = d
        return deployed_validation_out

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
