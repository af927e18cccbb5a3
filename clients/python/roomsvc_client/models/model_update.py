from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alerting_spec import AlertingSpec
    from ..models.thresholds import Thresholds


T = TypeVar("T", bound="ModelUpdate")


@_attrs_define
class ModelUpdate:
    """Changing ``thresholds`` or ``alerting`` voids a validation measured with the old values (the gate
    then refuses automatic actions until the model is evaluated again).

    Attributes:
        active (bool | Unset):
        alerting (AlertingSpec | None | Unset):
        description (str | Unset):
        thresholds (Thresholds | Unset): Score thresholds; ``suspicious`` must not exceed ``alert`` (400 naming
            ``thresholds``).
    """

    active: bool | Unset = UNSET
    alerting: AlertingSpec | None | Unset = UNSET
    description: str | Unset = UNSET
    thresholds: Thresholds | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.alerting_spec import AlertingSpec  # noqa: PLC0415

        active = self.active

        alerting: dict[str, Any] | None | Unset
        if isinstance(self.alerting, Unset):
            alerting = UNSET
        elif isinstance(self.alerting, AlertingSpec):
            alerting = self.alerting.to_dict()
        else:
            alerting = self.alerting

        description = self.description

        thresholds: dict[str, Any] | Unset = UNSET
        if not isinstance(self.thresholds, Unset):
            thresholds = self.thresholds.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if alerting is not UNSET:
            field_dict["alerting"] = alerting
        if description is not UNSET:
            field_dict["description"] = description
        if thresholds is not UNSET:
            field_dict["thresholds"] = thresholds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alerting_spec import AlertingSpec  # noqa: PLC0415
        from ..models.thresholds import Thresholds  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active", UNSET)

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

        description = d.pop("description", UNSET)

        _thresholds = d.pop("thresholds", UNSET)
        thresholds: Thresholds | Unset
        if isinstance(_thresholds, Unset):
            thresholds = UNSET
        else:
            thresholds = Thresholds.from_dict(_thresholds)

        model_update = cls(
            active=active,
            alerting=alerting,
            description=description,
            thresholds=thresholds,
        )

        return model_update
