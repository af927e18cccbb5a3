from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.worker_config_policy import WorkerConfigPolicy
from ..models.worker_config_status import WorkerConfigStatus

if TYPE_CHECKING:
    from ..models.worker_model import WorkerModel


T = TypeVar("T", bound="WorkerConfig")


@_attrs_define
class WorkerConfig:
    """
    Attributes:
        audio_model (None | WorkerModel):
        enabled (bool):
        policy (WorkerConfigPolicy):
        room (str):
        status (WorkerConfigStatus):
        video_model (None | WorkerModel):
    """

    audio_model: None | WorkerModel
    enabled: bool
    policy: WorkerConfigPolicy
    room: str
    status: WorkerConfigStatus
    video_model: None | WorkerModel
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.worker_model import WorkerModel  # noqa: PLC0415

        audio_model: dict[str, Any] | None
        if isinstance(self.audio_model, WorkerModel):
            audio_model = self.audio_model.to_dict()
        else:
            audio_model = self.audio_model

        enabled = self.enabled

        policy = self.policy.value

        room = self.room

        status = self.status.value

        video_model: dict[str, Any] | None
        if isinstance(self.video_model, WorkerModel):
            video_model = self.video_model.to_dict()
        else:
            video_model = self.video_model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "audio_model": audio_model,
                "enabled": enabled,
                "policy": policy,
                "room": room,
                "status": status,
                "video_model": video_model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.worker_model import WorkerModel  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_audio_model(data: object) -> None | WorkerModel:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                audio_model_type_0 = WorkerModel.from_dict(data)

                return audio_model_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | WorkerModel, data)

        audio_model = _parse_audio_model(d.pop("audio_model"))

        enabled = d.pop("enabled")

        policy = WorkerConfigPolicy(d.pop("policy"))

        room = d.pop("room")

        status = WorkerConfigStatus(d.pop("status"))

        def _parse_video_model(data: object) -> None | WorkerModel:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                video_model_type_0 = WorkerModel.from_dict(data)

                return video_model_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | WorkerModel, data)

        video_model = _parse_video_model(d.pop("video_model"))

        worker_config = cls(
            audio_model=audio_model,
            enabled=enabled,
            policy=policy,
            room=room,
            status=status,
            video_model=video_model,
        )

        worker_config.additional_properties = d
        return worker_config

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
