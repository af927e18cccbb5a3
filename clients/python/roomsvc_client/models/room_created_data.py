from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.room_created_data_call_type import RoomCreatedDataCallType
from ..types import UNSET, Unset

T = TypeVar("T", bound="RoomCreatedData")


@_attrs_define
class RoomCreatedData:
    """
    Attributes:
        call_type (RoomCreatedDataCallType):
        creator (str):
        max_participants (int): 0 = no limit
        metadata (str):
        room_sid (None | str): null for a scheduled room: its first join creates the LiveKit room
        repaired (bool | Unset): present (true) when reconciliation completed an interrupted creation
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    call_type: RoomCreatedDataCallType
    creator: str
    max_participants: int
    metadata: str
    room_sid: None | str
    repaired: bool | Unset = UNSET
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        call_type = self.call_type.value

        creator = self.creator

        max_participants = self.max_participants

        metadata = self.metadata

        room_sid: None | str
        room_sid = self.room_sid

        repaired = self.repaired

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
        if repaired is not UNSET:
            field_dict["repaired"] = repaired
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        call_type = RoomCreatedDataCallType(d.pop("call_type"))

        creator = d.pop("creator")

        max_participants = d.pop("max_participants")

        metadata = d.pop("metadata")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        repaired = d.pop("repaired", UNSET)

        request_id = d.pop("request_id", UNSET)

        room_created_data = cls(
            call_type=call_type,
            creator=creator,
            max_participants=max_participants,
            metadata=metadata,
            room_sid=room_sid,
            repaired=repaired,
            request_id=request_id,
        )

        room_created_data.additional_properties = d
        return room_created_data

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
