from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelCreateType1")


@_attrs_define
class ModelCreateType1:
    """
    Attributes:
        kind (Literal['video'] | Unset):
        window_samples (None | Unset):
    """

    kind: Literal["video"] | Unset = UNSET
    window_samples: None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        window_samples = self.window_samples

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if kind is not UNSET:
            field_dict["kind"] = kind
        if window_samples is not UNSET:
            field_dict["window_samples"] = window_samples

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = cast(Literal["video"] | Unset, d.pop("kind", UNSET))
        if kind != "video" and not isinstance(kind, Unset):
            raise ValueError(f"kind must match const 'video', got '{kind}'")

        window_samples = d.pop("window_samples", UNSET)

        model_create_type_1 = cls(
            kind=kind,
            window_samples=window_samples,
        )

        model_create_type_1.additional_properties = d
        return model_create_type_1

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
