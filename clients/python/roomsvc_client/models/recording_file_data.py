from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recording_file_data_kind import RecordingFileDataKind

T = TypeVar("T", bound="RecordingFileData")


@_attrs_define
class RecordingFileData:
    """
    Attributes:
        duration_s (float | None):
        id (str):
        identity (None | str):
        key (str):
        kind (RecordingFileDataKind):
        location (None | str):
        partial (bool):
        sha256 (None | str):
        size (int):
        track_sid (None | str):
    """

    duration_s: float | None
    id: str
    identity: None | str
    key: str
    kind: RecordingFileDataKind
    location: None | str
    partial: bool
    sha256: None | str
    size: int
    track_sid: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        duration_s: float | None
        duration_s = self.duration_s

        id = self.id

        identity: None | str
        identity = self.identity

        key = self.key

        kind = self.kind.value

        location: None | str
        location = self.location

        partial = self.partial

        sha256: None | str
        sha256 = self.sha256

        size = self.size

        track_sid: None | str
        track_sid = self.track_sid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "duration_s": duration_s,
                "id": id,
                "identity": identity,
                "key": key,
                "kind": kind,
                "location": location,
                "partial": partial,
                "sha256": sha256,
                "size": size,
                "track_sid": track_sid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_duration_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_s = _parse_duration_s(d.pop("duration_s"))

        id = d.pop("id")

        def _parse_identity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        identity = _parse_identity(d.pop("identity"))

        key = d.pop("key")

        kind = RecordingFileDataKind(d.pop("kind"))

        def _parse_location(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        location = _parse_location(d.pop("location"))

        partial = d.pop("partial")

        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))

        size = d.pop("size")

        def _parse_track_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        track_sid = _parse_track_sid(d.pop("track_sid"))

        recording_file_data = cls(
            duration_s=duration_s,
            id=id,
            identity=identity,
            key=key,
            kind=kind,
            location=location,
            partial=partial,
            sha256=sha256,
            size=size,
            track_sid=track_sid,
        )

        recording_file_data.additional_properties = d
        return recording_file_data

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
