from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recording_file_out_kind import RecordingFileOutKind
from ..models.recording_file_out_state import RecordingFileOutState

T = TypeVar("T", bound="RecordingFileOut")


@_attrs_define
class RecordingFileOut:
    """
    Attributes:
        content_type (str):
        created_at (datetime.datetime):
        duration_s (float | None):
        id (str):
        identity (None | str):
        key (str):
        kind (RecordingFileOutKind):
        location (None | str):
        sha256 (None | str):
        size (int):
        state (RecordingFileOutState):
        track_sid (None | str):
        updated_at (datetime.datetime):
    """

    content_type: str
    created_at: datetime.datetime
    duration_s: float | None
    id: str
    identity: None | str
    key: str
    kind: RecordingFileOutKind
    location: None | str
    sha256: None | str
    size: int
    state: RecordingFileOutState
    track_sid: None | str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        created_at = self.created_at.isoformat()

        duration_s: float | None
        duration_s = self.duration_s

        id = self.id

        identity: None | str
        identity = self.identity

        key = self.key

        kind = self.kind.value

        location: None | str
        location = self.location

        sha256: None | str
        sha256 = self.sha256

        size = self.size

        state = self.state.value

        track_sid: None | str
        track_sid = self.track_sid

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "content_type": content_type,
                "created_at": created_at,
                "duration_s": duration_s,
                "id": id,
                "identity": identity,
                "key": key,
                "kind": kind,
                "location": location,
                "sha256": sha256,
                "size": size,
                "state": state,
                "track_sid": track_sid,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

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

        kind = RecordingFileOutKind(d.pop("kind"))

        def _parse_location(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        location = _parse_location(d.pop("location"))

        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))

        size = d.pop("size")

        state = RecordingFileOutState(d.pop("state"))

        def _parse_track_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        track_sid = _parse_track_sid(d.pop("track_sid"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        recording_file_out = cls(
            content_type=content_type,
            created_at=created_at,
            duration_s=duration_s,
            id=id,
            identity=identity,
            key=key,
            kind=kind,
            location=location,
            sha256=sha256,
            size=size,
            state=state,
            track_sid=track_sid,
            updated_at=updated_at,
        )

        recording_file_out.additional_properties = d
        return recording_file_out

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
