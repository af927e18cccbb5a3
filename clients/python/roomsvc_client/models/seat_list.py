from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.seat_list_seat_mode import SeatListSeatMode

if TYPE_CHECKING:
    from ..models.seat_out import SeatOut


T = TypeVar("T", bound="SeatList")


@_attrs_define
class SeatList:
    """
    Attributes:
        items (list[SeatOut]):
        seat_mode (SeatListSeatMode):
    """

    items: list[SeatOut]
    seat_mode: SeatListSeatMode
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        seat_mode = self.seat_mode.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "seat_mode": seat_mode,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.seat_out import SeatOut  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = SeatOut.from_dict(items_item_data)

            items.append(items_item)

        seat_mode = SeatListSeatMode(d.pop("seat_mode"))

        seat_list = cls(
            items=items,
            seat_mode=seat_mode,
        )

        seat_list.additional_properties = d
        return seat_list

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
