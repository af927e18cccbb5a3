from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.detection_state_changed_data_from import DetectionStateChangedDataFrom
from ..models.detection_state_changed_data_kind import DetectionStateChangedDataKind
from ..models.detection_state_changed_data_to import DetectionStateChangedDataTo
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.detection_model_ref import DetectionModelRef


T = TypeVar("T", bound="DetectionStateChangedData")


@_attrs_define
class DetectionStateChangedData:
    """
    Attributes:
        from_ (DetectionStateChangedDataFrom):
        identity (str):
        kind (DetectionStateChangedDataKind):
        model (DetectionModelRef):
        participant_sid (str):
        score (float):
        smoothed_score (float):
        to (DetectionStateChangedDataTo):
        track_sid (str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    from_: DetectionStateChangedDataFrom
    identity: str
    kind: DetectionStateChangedDataKind
    model: DetectionModelRef
    participant_sid: str
    score: float
    smoothed_score: float
    to: DetectionStateChangedDataTo
    track_sid: str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.value

        identity = self.identity

        kind = self.kind.value

        model = self.model.to_dict()

        participant_sid = self.participant_sid

        score = self.score

        smoothed_score = self.smoothed_score

        to = self.to.value

        track_sid = self.track_sid

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "identity": identity,
                "kind": kind,
                "model": model,
                "participant_sid": participant_sid,
                "score": score,
                "smoothed_score": smoothed_score,
                "to": to,
                "track_sid": track_sid,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.detection_model_ref import DetectionModelRef  # noqa: PLC0415

        d = dict(src_dict)
        from_ = DetectionStateChangedDataFrom(d.pop("from"))

        identity = d.pop("identity")

        kind = DetectionStateChangedDataKind(d.pop("kind"))

        model = DetectionModelRef.from_dict(d.pop("model"))

        participant_sid = d.pop("participant_sid")

        score = d.pop("score")

        smoothed_score = d.pop("smoothed_score")

        to = DetectionStateChangedDataTo(d.pop("to"))

        track_sid = d.pop("track_sid")

        request_id = d.pop("request_id", UNSET)

        detection_state_changed_data = cls(
            from_=from_,
            identity=identity,
            kind=kind,
            model=model,
            participant_sid=participant_sid,
            score=score,
            smoothed_score=smoothed_score,
            to=to,
            track_sid=track_sid,
            request_id=request_id,
        )

        detection_state_changed_data.additional_properties = d
        return detection_state_changed_data

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
