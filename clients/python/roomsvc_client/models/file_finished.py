from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FileFinished")


@_attrs_define
class FileFinished:
    """
    Attributes:
        key (str): the recording's `key_prefix`, `/`, then `/`-separated segments of letters, digits and `._=-` (no
            `..`, not ending in `.part`)
        sha256 (str): hex SHA-256 of the whole file
        size (int):
        duration_s (float | None | Unset):
        location (None | str | Unset):
        partial (bool | Unset):  Default: False.
    """

    key: str
    sha256: str
    size: int
    duration_s: float | None | Unset = UNSET
    location: None | str | Unset = UNSET
    partial: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        sha256 = self.sha256

        size = self.size

        duration_s: float | None | Unset
        if isinstance(self.duration_s, Unset):
            duration_s = UNSET
        else:
            duration_s = self.duration_s

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        partial = self.partial

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "sha256": sha256,
                "size": size,
            }
        )
        if duration_s is not UNSET:
            field_dict["duration_s"] = duration_s
        if location is not UNSET:
            field_dict["location"] = location
        if partial is not UNSET:
            field_dict["partial"] = partial

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        def _parse_duration_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_s = _parse_duration_s(d.pop("duration_s", UNSET))

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        partial = d.pop("partial", UNSET)

        file_finished = cls(
            key=key,
            sha256=sha256,
            size=size,
            duration_s=duration_s,
            location=location,
            partial=partial,
        )

        return file_finished
