from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="LeaveSeat")


@_attrs_define
class LeaveSeat:
    """
    Attributes:
        identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
    """

    identity: str

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity": identity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        leave_seat = cls(
            identity=identity,
        )

        return leave_seat
