from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.room_updated_data_call_type import RoomUpdatedDataCallType
from ..types import UNSET, Unset

T = TypeVar("T", bound="RoomUpdatedData")


@_attrs_define
class RoomUpdatedData:
    """
    Attributes:
        call_type (RoomUpdatedDataCallType):
        creator (str):
        max_participants (int): 0 = no limit
        metadata (str):
        room_sid (None | str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    call_type: RoomUpdatedDataCallType
    creator: str
    max_participants: int
    metadata: str
    room_sid: None | str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        call_type = self.call_type.value

        creator = self.creator

        max_participants = self.max_participants

        metadata = self.metadata

        room_sid: None | str
        room_sid = self.room_sid

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "call_type": call_type,
                "creator": creator,
                "max_participants": max_participants,
                "metadata": metadata,
                "room_sid": room_sid,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        call_type = RoomUpdatedDataCallType(d.pop("call_type"))

        creator = d.pop("creator")

        max_participants = d.pop("max_participants")

        metadata = d.pop("metadata")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        request_id = d.pop("request_id", UNSET)

        room_updated_data = cls(
            call_type=call_type,
            creator=creator,
            max_participants=max_participants,
            metadata=metadata,
            room_sid=room_sid,
            request_id=request_id,
        )

        room_updated_data.additional_properties = d
        return room_updated_data

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
