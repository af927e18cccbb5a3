from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageFigures")


@_attrs_define
class UsageFigures:
    """
    Attributes:
        participant_minutes (float):
        peak_concurrency (int):
        room_minutes (float):
    """

    participant_minutes: float
    peak_concurrency: int
    room_minutes: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        participant_minutes = self.participant_minutes

        peak_concurrency = self.peak_concurrency

        room_minutes = self.room_minutes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "participant_minutes": participant_minutes,
                "peak_concurrency": peak_concurrency,
                "room_minutes": room_minutes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        participant_minutes = d.pop("participant_minutes")

        peak_concurrency = d.pop("peak_concurrency")

        room_minutes = d.pop("room_minutes")

        usage_figures = cls(
            participant_minutes=participant_minutes,
            peak_concurrency=peak_concurrency,
            room_minutes=room_minutes,
        )

        usage_figures.additional_properties = d
        return usage_figures

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
