from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.detection_out_kind import DetectionOutKind
from ..models.detection_out_state import DetectionOutState

if TYPE_CHECKING:
    from ..models.model_ref import ModelRef


T = TypeVar("T", bound="DetectionOut")


@_attrs_define
class DetectionOut:
    """
    Attributes:
        call (str):
        created_at (datetime.datetime):
        id (int):
        identity (str):
        kind (DetectionOutKind):
        model (ModelRef):
        participant_sid (str):
        room (str):
        score (float):
        smoothed_score (float):
        state (DetectionOutState):
        track_sid (str):
        window_end (datetime.datetime):
        window_start (datetime.datetime):
    """

    call: str
    created_at: datetime.datetime
    id: int
    identity: str
    kind: DetectionOutKind
    model: ModelRef
    participant_sid: str
    room: str
    score: float
    smoothed_score: float
    state: DetectionOutState
    track_sid: str
    window_end: datetime.datetime
    window_start: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        call = self.call

        created_at = self.created_at.isoformat()

        id = self.id

        identity = self.identity

        kind = self.kind.value

        model = self.model.to_dict()

        participant_sid = self.participant_sid

        room = self.room

        score = self.score

        smoothed_score = self.smoothed_score

        state = self.state.value

        track_sid = self.track_sid

        window_end = self.window_end.isoformat()

        window_start = self.window_start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "call": call,
                "created_at": created_at,
                "id": id,
                "identity": identity,
                "kind": kind,
                "model": model,
                "participant_sid": participant_sid,
                "room": room,
                "score": score,
                "smoothed_score": smoothed_score,
                "state": state,
                "track_sid": track_sid,
                "window_end": window_end,
                "window_start": window_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_ref import ModelRef  # noqa: PLC0415

        d = dict(src_dict)
        call = d.pop("call")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        identity = d.pop("identity")

        kind = DetectionOutKind(d.pop("kind"))

        model = ModelRef.from_dict(d.pop("model"))

        participant_sid = d.pop("participant_sid")

        room = d.pop("room")

        score = d.pop("score")

        smoothed_score = d.pop("smoothed_score")

        state = DetectionOutState(d.pop("state"))

        track_sid = d.pop("track_sid")

        window_end = datetime.datetime.fromisoformat(d.pop("window_end"))

        window_start = datetime.datetime.fromisoformat(d.pop("window_start"))

        detection_out = cls(
            call=call,
            created_at=created_at,
            id=id,
            identity=identity,
            kind=kind,
            model=model,
            participant_sid=participant_sid,
            room=room,
            score=score,
            smoothed_score=smoothed_score,
            state=state,
            track_sid=track_sid,
            window_end=window_end,
            window_start=window_start,
        )

        detection_out.additional_properties = d
        return detection_out

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
