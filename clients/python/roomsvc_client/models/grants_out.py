from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GrantsOut")


@_attrs_define
class GrantsOut:
    """
    Attributes:
        can_publish (bool):
        can_publish_data (bool):
        can_publish_sources (list[str]):
        can_subscribe (bool):
        room_admin (bool):
    """

    can_publish: bool
    can_publish_data: bool
    can_publish_sources: list[str]
    can_subscribe: bool
    room_admin: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        can_publish = self.can_publish

        can_publish_data = self.can_publish_data

        can_publish_sources = self.can_publish_sources

        can_subscribe = self.can_subscribe

        room_admin = self.room_admin

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "can_publish": can_publish,
                "can_publish_data": can_publish_data,
                "can_publish_sources": can_publish_sources,
                "can_subscribe": can_subscribe,
                "room_admin": room_admin,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        can_publish = d.pop("can_publish")

        can_publish_data = d.pop("can_publish_data")

        can_publish_sources = cast(list[str], d.pop("can_publish_sources"))

        can_subscribe = d.pop("can_subscribe")

        room_admin = d.pop("room_admin")

        grants_out = cls(
            can_publish=can_publish,
            can_publish_data=can_publish_data,
            can_publish_sources=can_publish_sources,
            can_subscribe=can_subscribe,
            room_admin=room_admin,
        )

        grants_out.additional_properties = d
        return grants_out

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
