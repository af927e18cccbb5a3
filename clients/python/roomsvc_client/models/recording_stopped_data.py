from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recording_stopped_data_backend import RecordingStoppedDataBackend
from ..models.recording_stopped_data_kind import RecordingStoppedDataKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordingStoppedData")


@_attrs_define
class RecordingStoppedData:
    """
    Attributes:
        auto (bool): started by the room's `auto_record`
        backend (RecordingStoppedDataBackend):
        kind (RecordingStoppedDataKind):
        reason (str): `requested` (POST …/stop), `room_ended`, `finished` (the recorder ended it), `failed`, or `stale`
            (the recorder stopped reporting)
        recording_id (str):
        room_sid (None | str):
        stopped_at (datetime.datetime):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    auto: bool
    backend: RecordingStoppedDataBackend
    kind: RecordingStoppedDataKind
    reason: str
    recording_id: str
    room_sid: None | str
    stopped_at: datetime.datetime
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auto = self.auto

        backend = self.backend.value

        kind = self.kind.value

        reason = self.reason

        recording_id = self.recording_id

        room_sid: None | str
        room_sid = self.room_sid

        stopped_at = self.stopped_at.isoformat()

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auto": auto,
                "backend": backend,
                "kind": kind,
                "reason": reason,
                "recording_id": recording_id,
                "room_sid": room_sid,
                "stopped_at": stopped_at,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        auto = d.pop("auto")

        backend = RecordingStoppedDataBackend(d.pop("backend"))

        kind = RecordingStoppedDataKind(d.pop("kind"))

        reason = d.pop("reason")

        recording_id = d.pop("recording_id")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        stopped_at = datetime.datetime.fromisoformat(d.pop("stopped_at"))

        request_id = d.pop("request_id", UNSET)

        recording_stopped_data = cls(
            auto=auto,
            backend=backend,
            kind=kind,
            reason=reason,
            recording_id=recording_id,
            room_sid=room_sid,
            stopped_at=stopped_at,
            request_id=request_id,
        )

        recording_stopped_data.additional_properties = d
        return recording_stopped_data

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
