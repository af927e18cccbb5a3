from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recording_ready_data_backend import RecordingReadyDataBackend
from ..models.recording_ready_data_kind import RecordingReadyDataKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recording_file_data import RecordingFileData


T = TypeVar("T", bound="RecordingReadyData")


@_attrs_define
class RecordingReadyData:
    """
    Attributes:
        auto (bool): started by the room's `auto_record`
        backend (RecordingReadyDataBackend):
        duration_s (float | None): the longest file's duration
        files (list[RecordingFileData]):
        kind (RecordingReadyDataKind):
        location (str): the file's storage location, or the recording's prefix for several
        partial (bool): cut short (recorder lost): playable up to the cut
        recording_id (str):
        room_sid (None | str):
        sha256 (None | str): of the file, when there is exactly one
        size (int): bytes, all files together
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    auto: bool
    backend: RecordingReadyDataBackend
    duration_s: float | None
    files: list[RecordingFileData]
    kind: RecordingReadyDataKind
    location: str
    partial: bool
    recording_id: str
    room_sid: None | str
    sha256: None | str
    size: int
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auto = self.auto

        backend = self.backend.value

        duration_s: float | None
        duration_s = self.duration_s

        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_dict()
            files.append(files_item)

        kind = self.kind.value

        location = self.location

        partial = self.partial

        recording_id = self.recording_id

        room_sid: None | str
        room_sid = self.room_sid

        sha256: None | str
        sha256 = self.sha256

        size = self.size

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auto": auto,
                "backend": backend,
                "duration_s": duration_s,
                "files": files,
                "kind": kind,
                "location": location,
                "partial": partial,
                "recording_id": recording_id,
                "room_sid": room_sid,
                "sha256": sha256,
                "size": size,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recording_file_data import RecordingFileData  # noqa: PLC0415

        d = dict(src_dict)
        auto = d.pop("auto")

        backend = RecordingReadyDataBackend(d.pop("backend"))

        def _parse_duration_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_s = _parse_duration_s(d.pop("duration_s"))

        files = []
        _files = d.pop("files")
        for files_item_data in _files:
            files_item = RecordingFileData.from_dict(files_item_data)

            files.append(files_item)

        kind = RecordingReadyDataKind(d.pop("kind"))

        location = d.pop("location")

        partial = d.pop("partial")

        recording_id = d.pop("recording_id")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))

        size = d.pop("size")

        request_id = d.pop("request_id", UNSET)

        recording_ready_data = cls(
            auto=auto,
            backend=backend,
            duration_s=duration_s,
            files=files,
            kind=kind,
            location=location,
            partial=partial,
            recording_id=recording_id,
            room_sid=room_sid,
            sha256=sha256,
            size=size,
            request_id=request_id,
        )

        recording_ready_data.additional_properties = d
        return recording_ready_data

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
