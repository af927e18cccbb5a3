from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_page_group_by import UsagePageGroupBy

if TYPE_CHECKING:
    from ..models.usage_figures import UsageFigures
    from ..models.usage_item import UsageItem


T = TypeVar("T", bound="UsagePage")


@_attrs_define
class UsagePage:
    """
    Attributes:
        as_of (datetime.datetime):
        from_ (datetime.datetime):
        group_by (UsagePageGroupBy):
        items (list[UsageItem]):
        next_cursor (None | str):
        to (datetime.datetime):
        totals (UsageFigures):
    """

    as_of: datetime.datetime
    from_: datetime.datetime
    group_by: UsagePageGroupBy
    items: list[UsageItem]
    next_cursor: None | str
    to: datetime.datetime
    totals: UsageFigures
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        from_ = self.from_.isoformat()

        group_by = self.group_by.value

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        to = self.to.isoformat()

        totals = self.totals.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "from": from_,
                "group_by": group_by,
                "items": items,
                "next_cursor": next_cursor,
                "to": to,
                "totals": totals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_figures import UsageFigures  # noqa: PLC0415
        from ..models.usage_item import UsageItem  # noqa: PLC0415

        d = dict(src_dict)
        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        group_by = UsagePageGroupBy(d.pop("group_by"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = UsageItem.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        totals = UsageFigures.from_dict(d.pop("totals"))

        usage_page = cls(
            as_of=as_of,
            from_=from_,
            group_by=group_by,
            items=items,
            next_cursor=next_cursor,
            to=to,
            totals=totals,
        )

        usage_page.additional_properties = d
        return usage_page

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
