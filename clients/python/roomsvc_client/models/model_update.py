from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.thresholds import Thresholds


T = TypeVar("T", bound="ModelUpdate")


@_attrs_define
class ModelUpdate:
    """
    Attributes:
        active (bool | Unset):
        description (str | Unset):
        thresholds (Thresholds | Unset): Score thresholds; ``suspicious`` must not exceed ``alert`` (400 naming
            ``thresholds``).
    """

    active: bool | Unset = UNSET
    description: str | Unset = UNSET
    thresholds: Thresholds | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        description = self.description

        thresholds: dict[str, Any] | Unset = UNSET
        if not isinstance(self.thresholds, Unset):
            thresholds = self.thresholds.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if description is not UNSET:
            field_dict["description"] = description
        if thresholds is not UNSET:
            field_dict["thresholds"] = thresholds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.thresholds import Thresholds  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active", UNSET)

        description = d.pop("description", UNSET)

        _thresholds = d.pop("thresholds", UNSET)
        thresholds: Thresholds | Unset
        if isinstance(_thresholds, Unset):
            thresholds = UNSET
        else:
            thresholds = Thresholds.from_dict(_thresholds)

        model_update = cls(
            active=active,
            description=description,
            thresholds=thresholds,
        )

        return model_update
