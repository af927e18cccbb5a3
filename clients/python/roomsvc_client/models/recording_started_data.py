from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recording_started_data_backend import RecordingStartedDataBackend
from ..models.recording_started_data_kind import RecordingStartedDataKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordingStartedData")


@_attrs_define
class RecordingStartedData:
    """
    Attributes:
        auto (bool): started by the room's `auto_record`
        backend (RecordingStartedDataBackend):
        kind (RecordingStartedDataKind):
        recording_id (str):
        room_sid (None | str):
        started_at (datetime.datetime):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    auto: bool
    backend: RecordingStartedDataBackend
    kind: RecordingStartedDataKind
    recording_id: str
    room_sid: None | str
    started_at: datetime.datetime
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auto = self.auto

        backend = self.backend.value

        kind = self.kind.value

        recording_id = self.recording_id

        room_sid: None | str
        room_sid = self.room_sid

        started_at = self.started_at.isoformat()

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auto": auto,
                "backend": backend,
                "kind": kind,
                "recording_id": recording_id,
                "room_sid": room_sid,
                "started_at": started_at,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        auto = d.pop("auto")

        backend = RecordingStartedDataBackend(d.pop("backend"))

        kind = RecordingStartedDataKind(d.pop("kind"))

        recording_id = d.pop("recording_id")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        request_id = d.pop("request_id", UNSET)

        recording_started_data = cls(
            auto=auto,
            backend=backend,
            kind=kind,
            recording_id=recording_id,
            room_sid=room_sid,
            started_at=started_at,
            request_id=request_id,
        )

        recording_started_data.additional_properties = d
        return recording_started_data

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
