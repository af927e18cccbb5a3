from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SeatInvitedParams")


@_attrs_define
class SeatInvitedParams:
    """
    Attributes:
        expires_at (str): RFC 3339: when the invitation expires
        preferred_seat (int | None):
        request_id (str):
    """

    expires_at: str
    preferred_seat: int | None
    request_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at

        preferred_seat: int | None
        preferred_seat = self.preferred_seat

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expires_at": expires_at,
                "preferred_seat": preferred_seat,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_at = d.pop("expires_at")

        def _parse_preferred_seat(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        preferred_seat = _parse_preferred_seat(d.pop("preferred_seat"))

        request_id = d.pop("request_id")

        seat_invited_params = cls(
            expires_at=expires_at,
            preferred_seat=preferred_seat,
            request_id=request_id,
        )

        seat_invited_params.additional_properties = d
        return seat_invited_params

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
