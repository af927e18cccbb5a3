from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.detection_alert_data_kind import DetectionAlertDataKind
from ..models.detection_alert_data_policy import DetectionAlertDataPolicy
from ..models.detection_alert_data_state import DetectionAlertDataState
from ..models.detection_alert_data_type import DetectionAlertDataType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.detection_model_ref import DetectionModelRef


T = TypeVar("T", bound="DetectionAlertData")


@_attrs_define
class DetectionAlertData:
    """
    Attributes:
        action (str): `notified`, `muted`, `kicked`, or `refused: <why>` / `failed: <why>`
        identity (str):
        kind (DetectionAlertDataKind):
        model (DetectionModelRef):
        notified (list[str]):
        occurred_at (datetime.datetime):
        participant_sid (str):
        policy (DetectionAlertDataPolicy):
        room (str):
        room_sid (str):
        score (float):
        smoothed_score (float):
        state (DetectionAlertDataState):
        track_sid (str):
        type_ (DetectionAlertDataType):
        window_end (datetime.datetime):
        window_start (datetime.datetime):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    action: str
    identity: str
    kind: DetectionAlertDataKind
    model: DetectionModelRef
    notified: list[str]
    occurred_at: datetime.datetime
    participant_sid: str
    policy: DetectionAlertDataPolicy
    room: str
    room_sid: str
    score: float
    smoothed_score: float
    state: DetectionAlertDataState
    track_sid: str
    type_: DetectionAlertDataType
    window_end: datetime.datetime
    window_start: datetime.datetime
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        identity = self.identity

        kind = self.kind.value

        model = self.model.to_dict()

        notified = self.notified

        occurred_at = self.occurred_at.isoformat()

        participant_sid = self.participant_sid

        policy = self.policy.value

        room = self.room

        room_sid = self.room_sid

        score = self.score

        smoothed_score = self.smoothed_score

        state = self.state.value

        track_sid = self.track_sid

        type_ = self.type_.value

        window_end = self.window_end.isoformat()

        window_start = self.window_start.isoformat()

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "identity": identity,
                "kind": kind,
                "model": model,
                "notified": notified,
                "occurred_at": occurred_at,
                "participant_sid": participant_sid,
                "policy": policy,
                "room": room,
                "room_sid": room_sid,
                "score": score,
                "smoothed_score": smoothed_score,
                "state": state,
                "track_sid": track_sid,
                "type": type_,
                "window_end": window_end,
                "window_start": window_start,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.detection_model_ref import DetectionModelRef  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        identity = d.pop("identity")

        kind = DetectionAlertDataKind(d.pop("kind"))

        model = DetectionModelRef.from_dict(d.pop("model"))

        notified = cast(list[str], d.pop("notified"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        participant_sid = d.pop("participant_sid")

        policy = DetectionAlertDataPolicy(d.pop("policy"))

        room = d.pop("room")

        room_sid = d.pop("room_sid")

        score = d.pop("score")

        smoothed_score = d.pop("smoothed_score")

        state = DetectionAlertDataState(d.pop("state"))

        track_sid = d.pop("track_sid")

        type_ = DetectionAlertDataType(d.pop("type"))

        window_end = datetime.datetime.fromisoformat(d.pop("window_end"))

        window_start = datetime.datetime.fromisoformat(d.pop("window_start"))

        request_id = d.pop("request_id", UNSET)

        detection_alert_data = cls(
            action=action,
            identity=identity,
            kind=kind,
            model=model,
            notified=notified,
            occurred_at=occurred_at,
            participant_sid=participant_sid,
            policy=policy,
            room=room,
            room_sid=room_sid,
            score=score,
            smoothed_score=smoothed_score,
            state=state,
            track_sid=track_sid,
            type_=type_,
            window_end=window_end,
            window_start=window_start,
            request_id=request_id,
        )

        detection_alert_data.additional_properties = d
        return detection_alert_data

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
