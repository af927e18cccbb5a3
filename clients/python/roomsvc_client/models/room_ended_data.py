from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RoomEndedData")


@_attrs_define
class RoomEndedData:
    """
    Attributes:
        reason (str):
        room_sid (None | str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    reason: str
    room_sid: None | str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        room_sid: None | str
        room_sid = self.room_sid

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reason": reason,
                "room_sid": room_sid,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        request_id = d.pop("request_id", UNSET)

        room_ended_data = cls(
            reason=reason,
            room_sid=room_sid,
            request_id=request_id,
        )

        room_ended_data.additional_properties = d
        return room_ended_data

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
