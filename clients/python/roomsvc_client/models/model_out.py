from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.model_out_kind import ModelOutKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.action_gate import ActionGate
    from ..models.alerting_spec import AlertingSpec
    from ..models.deployed_validation_out import DeployedValidationOut
    from ..models.model_validation import ModelValidation
    from ..models.thresholds import Thresholds


T = TypeVar("T", bound="ModelOut")


@_attrs_define
class ModelOut:
    """
    Attributes:
        active (bool):
        builtin (bool):
        created_at (datetime.datetime):
        created_by (str):
        description (str):
        id (int):
        input_size (int | None):
        kind (ModelOutKind):
        name (str):
        sample_rate (int | None):
        sha256 (str):
        thresholds (Thresholds): Score thresholds; ``suspicious`` must not exceed ``alert`` (400 naming ``thresholds``).
        uri (str):
        version (str):
        window_samples (int | None):
        alerting (AlertingSpec | None | Unset):
        deployed_validation (DeployedValidationOut | None | Unset): rates validated through the deployment path; null:
            never validated
        gate (ActionGate | None | Unset):
        validation (ModelValidation | None | Unset): what the shipped model's card declares from training; null: nothing
    """

    active: bool
    builtin: bool
    created_at: datetime.datetime
    created_by: str
    description: str
    id: int
    input_size: int | None
    kind: ModelOutKind
    name: str
    sample_rate: int | None
    sha256: str
    thresholds: Thresholds
    uri: str
    version: str
    window_samples: int | None
    alerting: AlertingSpec | None | Unset = UNSET
    deployed_validation: DeployedValidationOut | None | Unset = UNSET
    gate: ActionGate | None | Unset = UNSET
    validation: ModelValidation | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.action_gate import ActionGate  # noqa: PLC0415
        from ..models.alerting_spec import AlertingSpec  # noqa: PLC0415
        from ..models.deployed_validation_out import DeployedValidationOut  # noqa: PLC0415
        from ..models.model_validation import ModelValidation  # noqa: PLC0415

        active = self.active

        builtin = self.builtin

        created_at = self.created_at.isoformat()

        created_by = self.created_by

        description = self.description

        id = self.id

        input_size: int | None
        input_size = self.input_size

        kind = self.kind.value

        name = self.name

        sample_rate: int | None
        sample_rate = self.sample_rate

        sha256 = self.sha256

        thresholds = self.thresholds.to_dict()

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

        deployed_validation: dict[str, Any] | None | Unset
        if isinstance(self.deployed_validation, Unset):
            deployed_validation = UNSET
        elif isinstance(self.deployed_validation, DeployedValidationOut):
            deployed_validation = self.deployed_validation.to_dict()
        else:
            deployed_validation = self.deployed_validation

        gate: dict[str, Any] | None | Unset
        if isinstance(self.gate, Unset):
            gate = UNSET
        elif isinstance(self.gate, ActionGate):
            gate = self.gate.to_dict()
        else:
            gate = self.gate

        validation: dict[str, Any] | None | Unset
        if isinstance(self.validation, Unset):
            validation = UNSET
        elif isinstance(self.validation, ModelValidation):
            validation = self.validation.to_dict()
        else:
            validation = self.validation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "builtin": builtin,
                "created_at": created_at,
                "created_by": created_by,
                "description": description,
                "id": id,
                "input_size": input_size,
                "kind": kind,
                "name": name,
                "sample_rate": sample_rate,
                "sha256": sha256,
                "thresholds": thresholds,
                "uri": uri,
                "version": version,
                "window_samples": window_samples,
            }
        )
        if alerting is not UNSET:
            field_dict["alerting"] = alerting
        if deployed_validation is not UNSET:
            field_dict["deployed_validation"] = deployed_validation
        if gate is not UNSET:
            field_dict["gate"] = gate
        if validation is not UNSET:
            field_dict["validation"] = validation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action_gate import ActionGate  # noqa: PLC0415
        from ..models.alerting_spec import AlertingSpec  # noqa: PLC0415
        from ..models.deployed_validation_out import DeployedValidationOut  # noqa: PLC0415
        from ..models.model_validation import ModelValidation  # noqa: PLC0415
        from ..models.thresholds import Thresholds  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        builtin = d.pop("builtin")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        created_by = d.pop("created_by")

        description = d.pop("description")

        id = d.pop("id")

        def _parse_input_size(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        input_size = _parse_input_size(d.pop("input_size"))

        kind = ModelOutKind(d.pop("kind"))

        name = d.pop("name")

        def _parse_sample_rate(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        sample_rate = _parse_sample_rate(d.pop("sample_rate"))

        sha256 = d.pop("sha256")

        thresholds = Thresholds.from_dict(d.pop("thresholds"))

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

        def _parse_deployed_validation(data: object) -> DeployedValidationOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                deployed_validation_type_0 = DeployedValidationOut.from_dict(data)

                return deployed_validation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeployedValidationOut | None | Unset, data)

        deployed_validation = _parse_deployed_validation(d.pop("deployed_validation", UNSET))

        def _parse_gate(data: object) -> ActionGate | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                gate_type_0 = ActionGate.from_dict(data)

                return gate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActionGate | None | Unset, data)

        gate = _parse_gate(d.pop("gate", UNSET))

        def _parse_validation(data: object) -> ModelValidation | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                validation_type_0 = ModelValidation.from_dict(data)

                return validation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelValidation | None | Unset, data)

        validation = _parse_validation(d.pop("validation", UNSET))

        model_out = cls(
            active=active,
            builtin=builtin,
            created_at=created_at,
            created_by=created_by,
            description=description,
            id=id,
            input_size=input_size,
            kind=kind,
            name=name,
            sample_rate=sample_rate,
            sha256=sha256,
            thresholds=thresholds,
            uri=uri,
            version=version,
            window_samples=window_samples,
            alerting=alerting,
            deployed_validation=deployed_validation,
            gate=gate,
            validation=validation,
        )

        model_out.additional_properties = d
        return model_out

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
