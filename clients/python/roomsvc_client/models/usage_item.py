from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageItem")


@_attrs_define
class UsageItem:
    """
    Attributes:
        day (datetime.date | None):
        participant_minutes (float):
        peak_concurrency (int):
        project (None | str):
        room (None | str):
        room_minutes (float):
    """

    day: datetime.date | None
    participant_minutes: float
    peak_concurrency: int
    project: None | str
    room: None | str
    room_minutes: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        day: None | str
        if isinstance(self.day, datetime.date):
            day = self.day.isoformat()
        else:
            day = self.day

        participant_minutes = self.participant_minutes

        peak_concurrency = self.peak_concurrency

        project: None | str
        project = self.project

        room: None | str
        room = self.room

        room_minutes = self.room_minutes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "day": day,
                "participant_minutes": participant_minutes,
                "peak_concurrency": peak_concurrency,
                "project": project,
                "room": room,
                "room_minutes": room_minutes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_day(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                day_type_0 = datetime.date.fromisoformat(data)

                return day_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        day = _parse_day(d.pop("day"))

        participant_minutes = d.pop("participant_minutes")

        peak_concurrency = d.pop("peak_concurrency")

        def _parse_project(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        project = _parse_project(d.pop("project"))

        def _parse_room(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room = _parse_room(d.pop("room"))

        room_minutes = d.pop("room_minutes")

        usage_item = cls(
            day=day,
            participant_minutes=participant_minutes,
            peak_concurrency=peak_concurrency,
            project=project,
            room=room,
            room_minutes=room_minutes,
        )

        usage_item.additional_properties = d
        return usage_item

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
