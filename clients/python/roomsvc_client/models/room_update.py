from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.room_update_auto_record import RoomUpdateAutoRecord
from ..models.room_update_status import RoomUpdateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="RoomUpdate")


@_attrs_define
class RoomUpdate:
    """
    Attributes:
        auto_record (RoomUpdateAutoRecord | Unset): see RoomCreate.auto_record; from the next start
        client_admin (bool | Unset): see RoomCreate.client_admin; applies to tokens minted after
        end_reason (str | Unset): used with `status: ended`, ignored otherwise
        max_participants (int | Unset):
        metadata (Any | Unset): a string, or any JSON value (stored JSON-encoded); at most 16384 bytes of UTF-8 once
            encoded, which the server counts (400 naming the field) and JSON Schema cannot
        status (RoomUpdateStatus | Unset):
    """

    auto_record: RoomUpdateAutoRecord | Unset = UNSET
    client_admin: bool | Unset = UNSET
    end_reason: str | Unset = UNSET
    max_participants: int | Unset = UNSET
    metadata: Any | Unset = UNSET
    status: RoomUpdateStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        auto_record: str | Unset = UNSET
        if not isinstance(self.auto_record, Unset):
            auto_record = self.auto_record.value

        client_admin = self.client_admin

        end_reason = self.end_reason

        max_participants = self.max_participants

        metadata = self.metadata

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if auto_record is not UNSET:
            field_dict["auto_record"] = auto_record
        if client_admin is not UNSET:
            field_dict["client_admin"] = client_admin
        if end_reason is not UNSET:
            field_dict["end_reason"] = end_reason
        if max_participants is not UNSET:
            field_dict["max_participants"] = max_participants
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _auto_record = d.pop("auto_record", UNSET)
        auto_record: RoomUpdateAutoRecord | Unset
        if isinstance(_auto_record, Unset):
            auto_record = UNSET
        else:
            auto_record = RoomUpdateAutoRecord(_auto_record)

        client_admin = d.pop("client_admin", UNSET)

        end_reason = d.pop("end_reason", UNSET)

        max_participants = d.pop("max_participants", UNSET)

        metadata = d.pop("metadata", UNSET)

        _status = d.pop("status", UNSET)
        status: RoomUpdateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RoomUpdateStatus(_status)

        room_update = cls(
            auto_record=auto_record,
            client_admin=client_admin,
            end_reason=end_reason,
            max_participants=max_participants,
            metadata=metadata,
            status=status,
        )

        return room_update
