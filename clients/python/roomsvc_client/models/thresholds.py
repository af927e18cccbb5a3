from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Thresholds")


@_attrs_define
class Thresholds:
    """Score thresholds; ``suspicious`` must not exceed ``alert`` (400 naming ``thresholds``).

    Attributes:
        alert (float):
        suspicious (float):
    """

    alert: float
    suspicious: float

    def to_dict(self) -> dict[str, Any]:
        alert = self.alert

        suspicious = self.suspicious

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "alert": alert,
                "suspicious": suspicious,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        alert = d.pop("alert")

        suspicious = d.pop("suspicious")

        thresholds = cls(
            alert=alert,
            suspicious=suspicious,
        )

        return thresholds
