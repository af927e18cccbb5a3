from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

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
        closes_at (datetime.datetime | None | Unset):
        end_reason (str | Unset): used with `status: ended`, ignored otherwise
        lobby (bool | Unset): see RoomCreate.lobby; applies to the joins after
        max_duration (int | None | Unset):
        max_participants (int | Unset):
        metadata (Any | Unset): a string, or any JSON value (stored JSON-encoded); at most 16384 bytes of UTF-8 once
            encoded, which the server counts (400 naming the field) and JSON Schema cannot
        opens_at (datetime.datetime | None | Unset):
        status (RoomUpdateStatus | Unset): `ended` ends the room; `locked` closes it to new joins (connected
            participants stay), `open` reopens it
    """

    auto_record: RoomUpdateAutoRecord | Unset = UNSET
    client_admin: bool | Unset = UNSET
    closes_at: datetime.datetime | None | Unset = UNSET
    end_reason: str | Unset = UNSET
    lobby: bool | Unset = UNSET
    max_duration: int | None | Unset = UNSET
    max_participants: int | Unset = UNSET
    metadata: Any | Unset = UNSET
    opens_at: datetime.datetime | None | Unset = UNSET
    status: RoomUpdateStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        auto_record: str | Unset = UNSET
        if not isinstance(self.auto_record, Unset):
            auto_record = self.auto_record.value

        client_admin = self.client_admin

        closes_at: None | str | Unset
        if isinstance(self.closes_at, Unset):
            closes_at = UNSET
        elif isinstance(self.closes_at, datetime.datetime):
            closes_at = self.closes_at.isoformat()
        else:
            closes_at = self.closes_at

        end_reason = self.end_reason

        lobby = self.lobby

        max_duration: int | None | Unset
        if isinstance(self.max_duration, Unset):
            max_duration = UNSET
        else:
            max_duration = self.max_duration

        max_participants = self.max_participants

        metadata = self.metadata

        opens_at: None | str | Unset
        if isinstance(self.opens_at, Unset):
            opens_at = UNSET
        elif isinstance(self.opens_at, datetime.datetime):
            opens_at = self.opens_at.isoformat()
        else:
            opens_at = self.opens_at

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if auto_record is not UNSET:
            field_dict["auto_record"] = auto_record
        if client_admin is not UNSET:
            field_dict["client_admin"] = client_admin
        if closes_at is not UNSET:
            field_dict["closes_at"] = closes_at
        if end_reason is not UNSET:
            field_dict["end_reason"] = end_reason
        if lobby is not UNSET:
            field_dict["lobby"] = lobby
        if max_duration is not UNSET:
            field_dict["max_duration"] = max_duration
        if max_participants is not UNSET:
            field_dict["max_participants"] = max_participants
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if opens_at is not UNSET:
            field_dict["opens_at"] = opens_at
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

        def _parse_closes_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closes_at_type_0 = datetime.datetime.fromisoformat(data)

                return closes_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        closes_at = _parse_closes_at(d.pop("closes_at", UNSET))

        end_reason = d.pop("end_reason", UNSET)

        lobby = d.pop("lobby", UNSET)

        def _parse_max_duration(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_duration = _parse_max_duration(d.pop("max_duration", UNSET))

        max_participants = d.pop("max_participants", UNSET)

        metadata = d.pop("metadata", UNSET)

        def _parse_opens_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                opens_at_type_0 = datetime.datetime.fromisoformat(data)

                return opens_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        opens_at = _parse_opens_at(d.pop("opens_at", UNSET))

        _status = d.pop("status", UNSET)
        status: RoomUpdateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RoomUpdateStatus(_status)

        room_update = cls(
            auto_record=auto_record,
            client_admin=client_admin,
            closes_at=closes_at,
            end_reason=end_reason,
            lobby=lobby,
            max_duration=max_duration,
            max_participants=max_participants,
            metadata=metadata,
            opens_at=opens_at,
            status=status,
        )

        return room_update
