from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KickParams")


@_attrs_define
class KickParams:
    """
    Attributes:
        ban_expires_at (datetime.datetime | None):
        permanent (bool):
        seat (int | None):
        was_connected (bool):
    """

    ban_expires_at: datetime.datetime | None
    permanent: bool
    seat: int | None
    was_connected: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ban_expires_at: None | str
        if isinstance(self.ban_expires_at, datetime.datetime):
            ban_expires_at = self.ban_expires_at.isoformat()
        else:
            ban_expires_at = self.ban_expires_at

        permanent = self.permanent

        seat: int | None
        seat = self.seat

        was_connected = self.was_connected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ban_expires_at": ban_expires_at,
                "permanent": permanent,
                "seat": seat,
                "was_connected": was_connected,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_ban_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ban_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return ban_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ban_expires_at = _parse_ban_expires_at(d.pop("ban_expires_at"))

        permanent = d.pop("permanent")

        def _parse_seat(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seat = _parse_seat(d.pop("seat"))

        was_connected = d.pop("was_connected")

        kick_params = cls(
            ban_expires_at=ban_expires_at,
            permanent=permanent,
            seat=seat,
            was_connected=was_connected,
        )

        kick_params.additional_properties = d
        return kick_params

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
