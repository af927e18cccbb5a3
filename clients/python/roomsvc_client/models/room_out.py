from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.room_out_auto_record import RoomOutAutoRecord
from ..models.room_out_call_type import RoomOutCallType
from ..models.room_out_seat_mode import RoomOutSeatMode
from ..models.room_out_status import RoomOutStatus

if TYPE_CHECKING:
    from ..models.room_controls import RoomControls


T = TypeVar("T", bound="RoomOut")


@_attrs_define
class RoomOut:
    """
    Attributes:
        auto_record (RoomOutAutoRecord):
        call_type (RoomOutCallType):
        client_admin (bool):
        closes_at (datetime.datetime | None):
        controls (RoomControls):
        created_at (datetime.datetime):
        creator (str):
        departure_timeout (int):
        empty_timeout (int):
        end_reason (None | str):
        ended_at (datetime.datetime | None):
        ends_at (datetime.datetime | None): when roomsvc jobs ends the room: `closes_at`, or earlier once a session with
            `max_duration` runs
        invite_on (bool):
        livekit_sid (None | str): the current LiveKit session; null while LiveKit has none
        lobby (bool):
        max_duration (int | None):
        max_participants (int):
        metadata (str):
        name (str):
        opens_at (datetime.datetime | None):
        owner (str):
        seat_mode (RoomOutSeatMode):
        seats (int):
        source_channel_id (None | str):
        source_channel_type (None | str):
        status (RoomOutStatus):
        updated_at (datetime.datetime):
    """

    auto_record: RoomOutAutoRecord
    call_type: RoomOutCallType
    client_admin: bool
    closes_at: datetime.datetime | None
    controls: RoomControls
    created_at: datetime.datetime
    creator: str
    departure_timeout: int
    empty_timeout: int
    end_reason: None | str
    ended_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    invite_on: bool
    livekit_sid: None | str
    lobby: bool
    max_duration: int | None
    max_participants: int
    metadata: str
    name: str
    opens_at: datetime.datetime | None
    owner: str
    seat_mode: RoomOutSeatMode
    seats: int
    source_channel_id: None | str
    source_channel_type: None | str
    status: RoomOutStatus
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auto_record = self.auto_record.value

        call_type = self.call_type.value

        client_admin = self.client_admin

        closes_at: None | str
        if isinstance(self.closes_at, datetime.datetime):
            closes_at = self.closes_at.isoformat()
        else:
            closes_at = self.closes_at

        controls = self.controls.to_dict()

        created_at = self.created_at.isoformat()

        creator = self.creator

        departure_timeout = self.departure_timeout

        empty_timeout = self.empty_timeout

        end_reason: None | str
        end_reason = self.end_reason

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        ends_at: None | str
        if isinstance(self.ends_at, datetime.datetime):
            ends_at = self.ends_at.isoformat()
        else:
            ends_at = self.ends_at

        invite_on = self.invite_on

        livekit_sid: None | str
        livekit_sid = self.livekit_sid

        lobby = self.lobby

        max_duration: int | None
        max_duration = self.max_duration

        max_participants = self.max_participants

        metadata = self.metadata

        name = self.name

        opens_at: None | str
        if isinstance(self.opens_at, datetime.datetime):
            opens_at = self.opens_at.isoformat()
        else:
            opens_at = self.opens_at

        owner = self.owner

        seat_mode = self.seat_mode.value

        seats = self.seats

        source_channel_id: None | str
        source_channel_id = self.source_channel_id

        source_channel_type: None | str
        source_channel_type = self.source_channel_type

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auto_record": auto_record,
                "call_type": call_type,
                "client_admin": client_admin,
                "closes_at": closes_at,
                "controls": controls,
                "created_at": created_at,
                "creator": creator,
                "departure_timeout": departure_timeout,
                "empty_timeout": empty_timeout,
                "end_reason": end_reason,
                "ended_at": ended_at,
                "ends_at": ends_at,
                "invite_on": invite_on,
                "livekit_sid": livekit_sid,
                "lobby": lobby,
                "max_duration": max_duration,
                "max_participants": max_participants,
                "metadata": metadata,
                "name": name,
                "opens_at": opens_at,
                "owner": owner,
                "seat_mode": seat_mode,
                "seats": seats,
                "source_channel_id": source_channel_id,
                "source_channel_type": source_channel_type,
                "status": status,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.room_controls import RoomControls  # noqa: PLC0415

        d = dict(src_dict)
        auto_record = RoomOutAutoRecord(d.pop("auto_record"))

        call_type = RoomOutCallType(d.pop("call_type"))

        client_admin = d.pop("client_admin")

        def _parse_closes_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closes_at_type_0 = datetime.datetime.fromisoformat(data)

                return closes_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closes_at = _parse_closes_at(d.pop("closes_at"))

        controls = RoomControls.from_dict(d.pop("controls"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        creator = d.pop("creator")

        departure_timeout = d.pop("departure_timeout")

        empty_timeout = d.pop("empty_timeout")

        def _parse_end_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        end_reason = _parse_end_reason(d.pop("end_reason"))

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))

        def _parse_ends_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_at_type_0 = datetime.datetime.fromisoformat(data)

                return ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ends_at = _parse_ends_at(d.pop("ends_at"))

        invite_on = d.pop("invite_on")

        def _parse_livekit_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        livekit_sid = _parse_livekit_sid(d.pop("livekit_sid"))

        lobby = d.pop("lobby")

        def _parse_max_duration(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_duration = _parse_max_duration(d.pop("max_duration"))

        max_participants = d.pop("max_participants")

        metadata = d.pop("metadata")

        name = d.pop("name")

        def _parse_opens_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                opens_at_type_0 = datetime.datetime.fromisoformat(data)

                return opens_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        opens_at = _parse_opens_at(d.pop("opens_at"))

        owner = d.pop("owner")

        seat_mode = RoomOutSeatMode(d.pop("seat_mode"))

        seats = d.pop("seats")

        def _parse_source_channel_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source_channel_id = _parse_source_channel_id(d.pop("source_channel_id"))

        def _parse_source_channel_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source_channel_type = _parse_source_channel_type(d.pop("source_channel_type"))

        status = RoomOutStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        room_out = cls(
            auto_record=auto_record,
            call_type=call_type,
            client_admin=client_admin,
            closes_at=closes_at,
            controls=controls,
            created_at=created_at,
            creator=creator,
            departure_timeout=departure_timeout,
            empty_timeout=empty_timeout,
            end_reason=end_reason,
            ended_at=ended_at,
            ends_at=ends_at,
            invite_on=invite_on,
            livekit_sid=livekit_sid,
            lobby=lobby,
            max_duration=max_duration,
            max_participants=max_participants,
            metadata=metadata,
            name=name,
            opens_at=opens_at,
            owner=owner,
            seat_mode=seat_mode,
            seats=seats,
            source_channel_id=source_channel_id,
            source_channel_type=source_channel_type,
            status=status,
            updated_at=updated_at,
        )

        room_out.additional_properties = d
        return room_out

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
