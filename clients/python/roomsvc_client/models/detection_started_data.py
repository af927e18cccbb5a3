from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.detection_model_reasons import DetectionModelReasons
    from ..models.detection_models import DetectionModels


T = TypeVar("T", bound="DetectionStartedData")


@_attrs_define
class DetectionStartedData:
    """
    Attributes:
        agent_identity (str):
        job_id (str):
        model_status (DetectionModelReasons): Why a kind is not analysed (``""`` when it is).
        models (DetectionModels):
        room_sid (str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    agent_identity: str
    job_id: str
    model_status: DetectionModelReasons
    models: DetectionModels
    room_sid: str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_identity = self.agent_identity

        job_id = self.job_id

        model_status = self.model_status.to_dict()

        models = self.models.to_dict()

        room_sid = self.room_sid

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_identity": agent_identity,
                "job_id": job_id,
                "model_status": model_status,
                "models": models,
                "room_sid": room_sid,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.detection_model_reasons import DetectionModelReasons  # noqa: PLC0415
        from ..models.detection_models import DetectionModels  # noqa: PLC0415

        d = dict(src_dict)
        agent_identity = d.pop("agent_identity")

        job_id = d.pop("job_id")

        model_status = DetectionModelReasons.from_dict(d.pop("model_status"))

        models = DetectionModels.from_dict(d.pop("models"))

        room_sid = d.pop("room_sid")

        request_id = d.pop("request_id", UNSET)

        detection_started_data = cls(
            agent_identity=agent_identity,
            job_id=job_id,
            model_status=model_status,
            models=models,
            room_sid=room_sid,
            request_id=request_id,
        )

        detection_started_data.additional_properties = d
        return detection_started_data

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
