from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.worker_model_kind import WorkerModelKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alerting_spec import AlertingSpec


T = TypeVar("T", bound="WorkerModel")


@_attrs_define
class WorkerModel:
    """
    Attributes:
        alert_threshold (float):
        id (int):
        input_size (int | None):
        kind (WorkerModelKind):
        name (str):
        sample_rate (int | None):
        sha256 (str):
        suspicious_threshold (float):
        uri (str):
        version (str):
        window_samples (int | None):
        alerting (AlertingSpec | None | Unset):
    """

    alert_threshold: float
    id: int
    input_size: int | None
    kind: WorkerModelKind
    name: str
    sample_rate: int | None
    sha256: str
    suspicious_threshold: float
    uri: str
    version: str
    window_samples: int | None
    alerting: AlertingSpec | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.alerting_spec import AlertingSpec  # noqa: PLC0415

        alert_threshold = self.alert_threshold

        id = self.id

        input_size: int | None
        input_size = self.input_size

        kind = self.kind.value

        name = self.name

        sample_rate: int | None
        sample_rate = self.sample_rate

        sha256 = self.sha256

        suspicious_threshold = self.suspicious_threshold

        uri = self.uri

        version = self.version

        window_samples: int | None
        window_samples = self.window_samples

        alerting: dict[str, Any] | None | Unset
        if isinstance(self.alerting, Unset):
            alerting = UNSET
        elif isinstance(self.alerting, AlertingSpec):
            alerting = self.alerting.to_dict()
        else:
            alerting = self.alerting

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alert_threshold": alert_threshold,
                "id": id,
                "input_size": input_size,
                "kind": kind,
                "name": name,
                "sample_rate": sample_rate,
                "sha256": sha256,
                "suspicious_threshold": suspicious_threshold,
                "uri": uri,
                "version": version,
                "window_samples": window_samples,
            }
        )
        if alerting is not UNSET:
            field_dict["alerting"] = alerting

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alerting_spec import AlertingSpec  # noqa: PLC0415

        d = dict(src_dict)
        alert_threshold = d.pop("alert_threshold")

        id = d.pop("id")

        def _parse_input_size(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        input_size = _parse_input_size(d.pop("input_size"))

        kind = WorkerModelKind(d.pop("kind"))

        name = d.pop("name")

        def _parse_sample_rate(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        sample_rate = _parse_sample_rate(d.pop("sample_rate"))

        sha256 = d.pop("sha256")

        suspicious_threshold = d.pop("suspicious_threshold")

        uri = d.pop("uri")

        version = d.pop("version")

        def _parse_window_samples(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        window_samples = _parse_window_samples(d.pop("window_samples"))

        def _parse_alerting(data: object) -> AlertingSpec | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                alerting_type_0 = AlertingSpec.from_dict(data)

                return alerting_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AlertingSpec | None | Unset, data)

        alerting = _parse_alerting(d.pop("alerting", UNSET))

        worker_model = cls(
            alert_threshold=alert_threshold,
            id=id,
            input_size=input_size,
            kind=kind,
            name=name,
            sample_rate=sample_rate,
            sha256=sha256,
            suspicious_threshold=suspicious_threshold,
            uri=uri,
            version=version,
            window_samples=window_samples,
            alerting=alerting,
        )

        worker_model.additional_properties = d
        return worker_model

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
