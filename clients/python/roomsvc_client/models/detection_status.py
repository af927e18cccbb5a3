from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.detection_status_policy import DetectionStatusPolicy
from ..models.detection_status_status import DetectionStatusStatus

if TYPE_CHECKING:
    from ..models.model_status import ModelStatus
    from ..models.track_status import TrackStatus
    from ..models.worker_models import WorkerModels


T = TypeVar("T", bound="DetectionStatus")


@_attrs_define
class DetectionStatus:
    """
    Attributes:
        active_models (WorkerModels):
        agent_identity (None | str):
        agent_name (str):
        ban_seconds (int | None):
        dispatch_id (None | str):
        dispatched_at (datetime.datetime | None):
        dropped (int):
        enabled (bool):
        job_id (None | str):
        last_heartbeat_at (datetime.datetime | None):
        model_status (ModelStatus):
        models (WorkerModels):
        mute_seconds (int | None):
        policy (DetectionStatusPolicy):
        room (str):
        started_at (datetime.datetime | None):
        status (DetectionStatusStatus):
        stopped_at (datetime.datetime | None):
        tracks (list[TrackStatus]):
    """

    active_models: WorkerModels
    agent_identity: None | str
    agent_name: str
    ban_seconds: int | None
    dispatch_id: None | str
    dispatched_at: datetime.datetime | None
    dropped: int
    enabled: bool
    job_id: None | str
    last_heartbeat_at: datetime.datetime | None
    model_status: ModelStatus
    models: WorkerModels
    mute_seconds: int | None
    policy: DetectionStatusPolicy
    room: str
    started_at: datetime.datetime | None
    status: DetectionStatusStatus
    stopped_at: datetime.datetime | None
    tracks: list[TrackStatus]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_models = self.active_models.to_dict()

        agent_identity: None | str
        agent_identity = self.agent_identity

        agent_name = self.agent_name

        ban_seconds: int | None
        ban_seconds = self.ban_seconds

        dispatch_id: None | str
        dispatch_id = self.dispatch_id

        dispatched_at: None | str
        if isinstance(self.dispatched_at, datetime.datetime):
            dispatched_at = self.dispatched_at.isoformat()
        else:
            dispatched_at = self.dispatched_at

        dropped = self.dropped

        enabled = self.enabled

        job_id: None | str
        job_id = self.job_id

        last_heartbeat_at: None | str
        if isinstance(self.last_heartbeat_at, datetime.datetime):
            last_heartbeat_at = self.last_heartbeat_at.isoformat()
        else:
            last_heartbeat_at = self.last_heartbeat_at

        model_status = self.model_status.to_dict()

        models = self.models.to_dict()

        mute_seconds: int | None
        mute_seconds = self.mute_seconds

        policy = self.policy.value

        room = self.room

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status.value

        stopped_at: None | str
        if isinstance(self.stopped_at, datetime.datetime):
            stopped_at = self.stopped_at.isoformat()
        else:
            stopped_at = self.stopped_at

        tracks = []
        for tracks_item_data in self.tracks:
            tracks_item = tracks_item_data.to_dict()
            tracks.append(tracks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active_models": active_models,
                "agent_identity": agent_identity,
                "agent_name": agent_name,
                "ban_seconds": ban_seconds,
                "dispatch_id": dispatch_id,
                "dispatched_at": dispatched_at,
                "dropped": dropped,
                "enabled": enabled,
                "job_id": job_id,
                "last_heartbeat_at": last_heartbeat_at,
                "model_status": model_status,
                "models": models,
                "mute_seconds": mute_seconds,
                "policy": policy,
                "room": room,
                "started_at": started_at,
                "status": status,
                "stopped_at": stopped_at,
                "tracks": tracks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_status import ModelStatus  # noqa: PLC0415
        from ..models.track_status import TrackStatus  # noqa: PLC0415
        from ..models.worker_models import WorkerModels  # noqa: PLC0415

        d = dict(src_dict)
        active_models = WorkerModels.from_dict(d.pop("active_models"))

        def _parse_agent_identity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        agent_identity = _parse_agent_identity(d.pop("agent_identity"))

        agent_name = d.pop("agent_name")

        def _parse_ban_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        ban_seconds = _parse_ban_seconds(d.pop("ban_seconds"))

        def _parse_dispatch_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dispatch_id = _parse_dispatch_id(d.pop("dispatch_id"))

        def _parse_dispatched_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dispatched_at_type_0 = datetime.datetime.fromisoformat(data)

                return dispatched_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        dispatched_at = _parse_dispatched_at(d.pop("dispatched_at"))

        dropped = d.pop("dropped")

        enabled = d.pop("enabled")

        def _parse_job_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        job_id = _parse_job_id(d.pop("job_id"))

        def _parse_last_heartbeat_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_heartbeat_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_heartbeat_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_heartbeat_at = _parse_last_heartbeat_at(d.pop("last_heartbeat_at"))

        model_status = ModelStatus.from_dict(d.pop("model_status"))

        models = WorkerModels.from_dict(d.pop("models"))

        def _parse_mute_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        mute_seconds = _parse_mute_seconds(d.pop("mute_seconds"))

        policy = DetectionStatusPolicy(d.pop("policy"))

        room = d.pop("room")

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

        status = DetectionStatusStatus(d.pop("status"))

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

        tracks = []
        _tracks = d.pop("tracks")
        for tracks_item_data in _tracks:
            tracks_item = TrackStatus.from_dict(tracks_item_data)

            tracks.append(tracks_item)

        detection_status = cls(
            active_models=active_models,
            agent_identity=agent_identity,
            agent_name=agent_name,
            ban_seconds=ban_seconds,
            dispatch_id=dispatch_id,
            dispatched_at=dispatched_at,
            dropped=dropped,
            enabled=enabled,
            job_id=job_id,
            last_heartbeat_at=last_heartbeat_at,
            model_status=model_status,
            models=models,
            mute_seconds=mute_seconds,
            policy=policy,
            room=room,
            started_at=started_at,
            status=status,
            stopped_at=stopped_at,
            tracks=tracks,
        )

        detection_status.additional_properties = d
        return detection_status

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
