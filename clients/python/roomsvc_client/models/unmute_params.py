from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.unmute_params_sources_item import UnmuteParamsSourcesItem

T = TypeVar("T", bound="UnmuteParams")


@_attrs_define
class UnmuteParams:
    """
    Attributes:
        applied_live (bool):
        sources (list[UnmuteParamsSourcesItem]):
    """

    applied_live: bool
    sources: list[UnmuteParamsSourcesItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        applied_live = self.applied_live

        sources = []
        for sources_item_data in self.sources:
            sources_item = sources_item_data.value
            sources.append(sources_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applied_live": applied_live,
                "sources": sources,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        applied_live = d.pop("applied_live")

        sources = []
        _sources = d.pop("sources")
        for sources_item_data in _sources:
            sources_item = UnmuteParamsSourcesItem(sources_item_data)

            sources.append(sources_item)

        unmute_params = cls(
            applied_live=applied_live,
            sources=sources,
        )

        unmute_params.additional_properties = d
        return unmute_params

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
