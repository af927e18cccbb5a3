from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.call_track_out import CallTrackOut
    from ..models.participant_session_out import ParticipantSessionOut


T = TypeVar("T", bound="CallDetail")


@_attrs_define
class CallDetail:
    """
    Attributes:
        duration_seconds (float | None):
        ended_at (datetime.datetime | None):
        id (str):
        participants (list[ParticipantSessionOut]):
        peak_participants (int):
        repaired (bool):
        room (str):
        started_at (datetime.datetime | None):
        tracks (list[CallTrackOut]):
        participants_next_cursor (None | str | Unset):
        tracks_next_cursor (None | str | Unset):
    """

    duration_seconds: float | None
    ended_at: datetime.datetime | None
    id: str
    participants: list[ParticipantSessionOut]
    peak_participants: int
    repaired: bool
    room: str
    started_at: datetime.datetime | None
    tracks: list[CallTrackOut]
    participants_next_cursor: None | str | Unset = UNSET
    tracks_next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        duration_seconds: float | None
        duration_seconds = self.duration_seconds

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        id = self.id

        participants = []
        for participants_item_data in self.participants:
            participants_item = participants_item_data.to_dict()
            participants.append(participants_item)

        peak_participants = self.peak_participants

        repaired = self.repaired

        room = self.room

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        tracks = []
        for tracks_item_data in self.tracks:
            tracks_item = tracks_item_data.to_dict()
            tracks.append(tracks_item)

        participants_next_cursor: None | str | Unset
        if isinstance(self.participants_next_cursor, Unset):
            participants_next_cursor = UNSET
        else:
            participants_next_cursor = self.participants_next_cursor

        tracks_next_cursor: None | str | Unset
        if isinstance(self.tracks_next_cursor, Unset):
            tracks_next_cursor = UNSET
        else:
            tracks_next_cursor = self.tracks_next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "duration_seconds": duration_seconds,
                "ended_at": ended_at,
                "id": id,
                "participants": participants,
                "peak_participants": peak_participants,
                "repaired": repaired,
                "room": room,
                "started_at": started_at,
                "tracks": tracks,
            }
        )
        if participants_next_cursor is not UNSET:
            field_dict["participants_next_cursor"] = participants_next_cursor
        if tracks_next_cursor is not UNSET:
            field_dict["tracks_next_cursor"] = tracks_next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.call_track_out import CallTrackOut  # noqa: PLC0415
        from ..models.participant_session_out import ParticipantSessionOut  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_duration_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_seconds = _parse_duration_seconds(d.pop("duration_seconds"))

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

        id = d.pop("id")

        participants = []
        _participants = d.pop("participants")
        for participants_item_data in _participants:
            participants_item = ParticipantSessionOut.from_dict(participants_item_data)

            participants.append(participants_item)

        peak_participants = d.pop("peak_participants")

        repaired = d.pop("repaired")

        room = d.pop("room")

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        tracks = []
        _tracks = d.pop("tracks")
        for tracks_item_data in _tracks:
            tracks_item = CallTrackOut.from_dict(tracks_item_data)

            tracks.append(tracks_item)

        def _parse_participants_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        participants_next_cursor = _parse_participants_next_cursor(d.pop("participants_next_cursor", UNSET))

        def _parse_tracks_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tracks_next_cursor = _parse_tracks_next_cursor(d.pop("tracks_next_cursor", UNSET))

        call_detail = cls(
            duration_seconds=duration_seconds,
            ended_at=ended_at,
            id=id,
            participants=participants,
            peak_participants=peak_participants,
            repaired=repaired,
            room=room,
            started_at=started_at,
            tracks=tracks,
            participants_next_cursor=participants_next_cursor,
            tracks_next_cursor=tracks_next_cursor,
        )

        call_detail.additional_properties = d
        return call_detail

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
