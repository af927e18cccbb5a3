from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recording_out_backend import RecordingOutBackend
from ..models.recording_out_kind import RecordingOutKind
from ..models.recording_out_state import RecordingOutState

if TYPE_CHECKING:
    from ..models.recording_file_out import RecordingFileOut


T = TypeVar("T", bound="RecordingOut")


@_attrs_define
class RecordingOut:
    """
    Attributes:
        actor (None | str):
        auto (bool):
        backend (RecordingOutBackend):
        bytes_written (int):
        created_at (datetime.datetime):
        dispatch_id (None | str):
        duration_s (float | None):
        egress_id (None | str):
        ended_at (datetime.datetime | None):
        failure_reason (None | str):
        files (list[RecordingFileOut]):
        heartbeat_at (datetime.datetime | None):
        id (str):
        identities (list[str]):
        key_prefix (str):
        kind (RecordingOutKind):
        requested_by (str):
        room (str):
        room_sid (None | str):
        size (int):
        started_at (datetime.datetime | None):
        state (RecordingOutState):
        stop_reason (None | str):
        stopped_at (datetime.datetime | None):
        storage (str):
        track_sids (list[str]):
        updated_at (datetime.datetime):
    """

    actor: None | str
    auto: bool
    backend: RecordingOutBackend
    bytes_written: int
    created_at: datetime.datetime
    dispatch_id: None | str
    duration_s: float | None
    egress_id: None | str
    ended_at: datetime.datetime | None
    failure_reason: None | str
    files: list[RecordingFileOut]
    heartbeat_at: datetime.datetime | None
    id: str
    identities: list[str]
    key_prefix: str
    kind: RecordingOutKind
    requested_by: str
    room: str
    room_sid: None | str
    size: int
    started_at: datetime.datetime | None
    state: RecordingOutState
    stop_reason: None | str
    stopped_at: datetime.datetime | None
    storage: str
    track_sids: list[str]
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor: None | str
        actor = self.actor

        auto = self.auto

        backend = self.backend.value

        bytes_written = self.bytes_written

        created_at = self.created_at.isoformat()

        dispatch_id: None | str
        dispatch_id = self.dispatch_id

        duration_s: float | None
        duration_s = self.duration_s

        egress_id: None | str
        egress_id = self.egress_id

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        failure_reason: None | str
        failure_reason = self.failure_reason

        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_dict()
            files.append(files_item)

        heartbeat_at: None | str
        if isinstance(self.heartbeat_at, datetime.datetime):
            heartbeat_at = self.heartbeat_at.isoformat()
        else:
            heartbeat_at = self.heartbeat_at

        id = self.id

        identities = self.identities

        key_prefix = self.key_prefix

        kind = self.kind.value

        requested_by = self.requested_by

        room = self.room

        room_sid: None | str
        room_sid = self.room_sid

        size = self.size

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        state = self.state.value

        stop_reason: None | str
        stop_reason = self.stop_reason

        stopped_at: None | str
        if isinstance(self.stopped_at, datetime.datetime):
            stopped_at = self.stopped_at.isoformat()
        else:
            stopped_at = self.stopped_at

        storage = self.storage

        track_sids = self.track_sids

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "auto": auto,
                "backend": backend,
                "bytes_written": bytes_written,
                "created_at": created_at,
                "dispatch_id": dispatch_id,
                "duration_s": duration_s,
                "egress_id": egress_id,
                "ended_at": ended_at,
                "failure_reason": failure_reason,
                "files": files,
                "heartbeat_at": heartbeat_at,
                "id": id,
                "identities": identities,
                "key_prefix": key_prefix,
                "kind": kind,
                "requested_by": requested_by,
                "room": room,
                "room_sid": room_sid,
                "size": size,
                "started_at": started_at,
                "state": state,
                "stop_reason": stop_reason,
                "stopped_at": stopped_at,
                "storage": storage,
                "track_sids": track_sids,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recording_file_out import RecordingFileOut  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        auto = d.pop("auto")

        backend = RecordingOutBackend(d.pop("backend"))

        bytes_written = d.pop("bytes_written")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_dispatch_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dispatch_id = _parse_dispatch_id(d.pop("dispatch_id"))

        def _parse_duration_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_s = _parse_duration_s(d.pop("duration_s"))

        def _parse_egress_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        egress_id = _parse_egress_id(d.pop("egress_id"))

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))

        def _parse_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_reason = _parse_failure_reason(d.pop("failure_reason"))

        files = []
        _files = d.pop("files")
        for files_item_data in _files:
            files_item = RecordingFileOut.from_dict(files_item_data)

            files.append(files_item)

        def _parse_heartbeat_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                heartbeat_at_type_0 = datetime.datetime.fromisoformat(data)

                return heartbeat_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        heartbeat_at = _parse_heartbeat_at(d.pop("heartbeat_at"))

        id = d.pop("id")

        identities = cast(list[str], d.pop("identities"))

        key_prefix = d.pop("key_prefix")

        kind = RecordingOutKind(d.pop("kind"))

        requested_by = d.pop("requested_by")

        room = d.pop("room")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        size = d.pop("size")

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        state = RecordingOutState(d.pop("state"))

        def _parse_stop_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stop_reason = _parse_stop_reason(d.pop("stop_reason"))

        def _parse_stopped_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stopped_at_type_0 = datetime.datetime.fromisoformat(data)

                return stopped_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        stopped_at = _parse_stopped_at(d.pop("stopped_at"))

        storage = d.pop("storage")

        track_sids = cast(list[str], d.pop("track_sids"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        recording_out = cls(
            actor=actor,
            auto=auto,
            backend=backend,
            bytes_written=bytes_written,
            created_at=created_at,
            dispatch_id=dispatch_id,
            duration_s=duration_s,
            egress_id=egress_id,
            ended_at=ended_at,
            failure_reason=failure_reason,
            files=files,
            heartbeat_at=heartbeat_at,
            id=id,
            identities=identities,
            key_prefix=key_prefix,
            kind=kind,
            requested_by=requested_by,
            room=room,
            room_sid=room_sid,
            size=size,
            started_at=started_at,
            state=state,
            stop_reason=stop_reason,
            stopped_at=stopped_at,
            storage=storage,
            track_sids=track_sids,
            updated_at=updated_at,
        )

        recording_out.additional_properties = d
        return recording_out

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
