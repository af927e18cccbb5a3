from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.room_create_auto_record import RoomCreateAutoRecord
from ..models.room_create_call_type import RoomCreateCallType
from ..models.room_create_seat_mode import RoomCreateSeatMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.detection_spec import DetectionSpec


T = TypeVar("T", bound="RoomCreate")


@_attrs_define
class RoomCreate:
    """
    Attributes:
        creator (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
        name (str): 1-128 characters from A-Z a-z 0-9 . _ -
        auto_record (RoomCreateAutoRecord | Unset): `room_audio` or `tracks`: a recording of that kind starts when the
            first participant joins (once per LiveKit room session; docs/recording.md); `off` (the default) records only on
            request Default: RoomCreateAutoRecord.OFF.
        call_type (RoomCreateCallType | Unset):  Default: RoomCreateCallType.VIDEO.
        client_admin (bool | Unset): owner-only opt-in: the owner's join token carries LiveKit's roomAdmin, so the
            owner's client can call LiveKit's RoomService for this room directly, bypassing roomsvc's rank rules and audit
            (docs/api.md, 'The token model'); off by default Default: False.
        closes_at (datetime.datetime | None | Unset):
        departure_timeout (int | Unset):  Default: 20.
        detection (DetectionSpec | None | Unset):
        empty_timeout (int | Unset):  Default: 300.
        invite_on (bool | Unset):  Default: False.
        lobby (bool | Unset): a waiting room: a join by an identity not yet admitted answers 202 with a join request
            that the owner or an admin admits or denies (docs/api.md, 'Waiting room'); off by default Default: False.
        max_duration (int | None | Unset):
        max_participants (int | Unset):  Default: 0.
        metadata (Any | Unset): a string, or any JSON value (stored JSON-encoded); at most 16384 bytes of UTF-8 once
            encoded, which the server counts (400 naming the field) and JSON Schema cannot
        opens_at (datetime.datetime | None | Unset):
        seat_mode (RoomCreateSeatMode | Unset):  Default: RoomCreateSeatMode.APPLY.
        seats (int | Unset): stage seats; 0 (the default) = no stage: a meeting where members publish Default: 0.
        source_channel_id (None | str | Unset):
        source_channel_type (None | str | Unset):
    """

    creator: str
    name: str
    auto_record: RoomCreateAutoRecord | Unset = RoomCreateAutoRecord.OFF
    call_type: RoomCreateCallType | Unset = RoomCreateCallType.VIDEO
    client_admin: bool | Unset = False
    closes_at: datetime.datetime | None | Unset = UNSET
    departure_timeout: int | Unset = 20
    detection: DetectionSpec | None | Unset = UNSET
    empty_timeout: int | Unset = 300
    invite_on: bool | Unset = False
    lobby: bool | Unset = False
    max_duration: int | None | Unset = UNSET
    max_participants: int | Unset = 0
    metadata: Any | Unset = UNSET
    opens_at: datetime.datetime | None | Unset = UNSET
    seat_mode: RoomCreateSeatMode | Unset = RoomCreateSeatMode.APPLY
    seats: int | Unset = 0
    source_channel_id: None | str | Unset = UNSET
    source_channel_type: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.detection_spec import DetectionSpec  # noqa: PLC0415

        creator = self.creator

        name = self.name

        auto_record: str | Unset = UNSET
        if not isinstance(self.auto_record, Unset):
            auto_record = self.auto_record.value

        call_type: str | Unset = UNSET
        if not isinstance(self.call_type, Unset):
            call_type = self.call_type.value

        client_admin = self.client_admin

        closes_at: None | str | Unset
        if isinstance(self.closes_at, Unset):
            closes_at = UNSET
        elif isinstance(self.closes_at, datetime.datetime):
            closes_at = self.closes_at.isoformat()
        else:
            closes_at = self.closes_at

        departure_timeout = self.departure_timeout

        detection: dict[str, Any] | None | Unset
        if isinstance(self.detection, Unset):
            detection = UNSET
        elif isinstance(self.detection, DetectionSpec):
            detection = self.detection.to_dict()
        else:
            detection = self.detection

        empty_timeout = self.empty_timeout

        invite_on = self.invite_on

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

        seat_mode: str | Unset = UNSET
        if not isinstance(self.seat_mode, Unset):
            seat_mode = self.seat_mode.value

        seats = self.seats

        source_channel_id: None | str | Unset
        if isinstance(self.source_channel_id, Unset):
            source_channel_id = UNSET
        else:
            source_channel_id = self.source_channel_id

        source_channel_type: None | str | Unset
        if isinstance(self.source_channel_type, Unset):
            source_channel_type = UNSET
        else:
            source_channel_type = self.source_channel_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "creator": creator,
                "name": name,
            }
        )
        if auto_record is not UNSET:
            field_dict["auto_record"] = auto_record
        if call_type is not UNSET:
            field_dict["call_type"] = call_type
        if client_admin is not UNSET:
            field_dict["client_admin"] = client_admin
        if closes_at is not UNSET:
            field_dict["closes_at"] = closes_at
        if departure_timeout is not UNSET:
            field_dict["departure_timeout"] = departure_timeout
        if detection is not UNSET:
            field_dict["detection"] = detection
        if empty_timeout is not UNSET:
            field_dict["empty_timeout"] = empty_timeout
        if invite_on is not UNSET:
            field_dict["invite_on"] = invite_on
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
        if seat_mode is not UNSET:
            field_dict["seat_mode"] = seat_mode
        if seats is not UNSET:
            field_dict["seats"] = seats
        if source_channel_id is not UNSET:
            field_dict["source_channel_id"] = source_channel_id
        if source_channel_type is not UNSET:
            field_dict["source_channel_type"] = source_channel_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.detection_spec import DetectionSpec  # noqa: PLC0415

        d = dict(src_dict)
        creator = d.pop("creator")

        name = d.pop("name")

        _auto_record = d.pop("auto_record", UNSET)
        auto_record: RoomCreateAutoRecord | Unset
        if isinstance(_auto_record, Unset):
            auto_record = UNSET
        else:
            auto_record = RoomCreateAutoRecord(_auto_record)

        _call_type = d.pop("call_type", UNSET)
        call_type: RoomCreateCallType | Unset
        if isinstance(_call_type, Unset):
            call_type = UNSET
        else:
            call_type = RoomCreateCallType(_call_type)

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

        departure_timeout = d.pop("departure_timeout", UNSET)

        def _parse_detection(data: object) -> DetectionSpec | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                detection_type_0 = DetectionSpec.from_dict(data)

                return detection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DetectionSpec | None | Unset, data)

        detection = _parse_detection(d.pop("detection", UNSET))

        empty_timeout = d.pop("empty_timeout", UNSET)

        invite_on = d.pop("invite_on", UNSET)

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

        _seat_mode = d.pop("seat_mode", UNSET)
        seat_mode: RoomCreateSeatMode | Unset
        if isinstance(_seat_mode, Unset):
            seat_mode = UNSET
        else:
            seat_mode = RoomCreateSeatMode(_seat_mode)

        seats = d.pop("seats", UNSET)

        def _parse_source_channel_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_channel_id = _parse_source_channel_id(d.pop("source_channel_id", UNSET))

        def _parse_source_channel_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_channel_type = _parse_source_channel_type(d.pop("source_channel_type", UNSET))

        room_create = cls(
            creator=creator,
            name=name,
            auto_record=auto_record,
            call_type=call_type,
            client_admin=client_admin,
            closes_at=closes_at,
            departure_timeout=departure_timeout,
            detection=detection,
            empty_timeout=empty_timeout,
            invite_on=invite_on,
            lobby=lobby,
            max_duration=max_duration,
            max_participants=max_participants,
            metadata=metadata,
            opens_at=opens_at,
            seat_mode=seat_mode,
            seats=seats,
            source_channel_id=source_channel_id,
            source_channel_type=source_channel_type,
        )

        return room_create
