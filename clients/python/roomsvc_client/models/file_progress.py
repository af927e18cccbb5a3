from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="FileProgress")


@_attrs_define
class FileProgress:
    """
    Attributes:
        key (str): the recording's `key_prefix`, `/`, then `/`-separated segments of letters, digits and `._=-` (no
            `..`, not ending in `.part`)
        size (int):
    """

    key: str
    size: int

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        size = self.size

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "size": size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        size = d.pop("size")

        file_progress = cls(
            key=key,
            size=size,
        )

        return file_progress
