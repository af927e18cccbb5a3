from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelCreateType0")


@_attrs_define
class ModelCreateType0:
    """
    Attributes:
        input_size (None | Unset):
        kind (Literal['audio'] | Unset):
    """

    input_size: None | Unset = UNSET
    kind: Literal["audio"] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_size = self.input_size

        kind = self.kind

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if input_size is not UNSET:
            field_dict["input_size"] = input_size
        if kind is not UNSET:
            field_dict["kind"] = kind

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        input_size = d.pop("input_size", UNSET)

        kind = cast(Literal["audio"] | Unset, d.pop("kind", UNSET))
        if kind != "audio" and not isinstance(kind, Unset):
            raise ValueError(f"kind must match const 'audio', got '{kind}'")

        model_create_type_0 = cls(
            input_size=input_size,
            kind=kind,
        )

        model_create_type_0.additional_properties = d
        return model_create_type_0

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
