from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_out_kind import AlertOutKind
from ..models.alert_out_policy import AlertOutPolicy

T = TypeVar("T", bound="AlertOut")


@_attrs_define
class AlertOut:
    """
    Attributes:
        action (str):
        identity (str):
        kind (AlertOutKind):
        notified (list[str]):
        policy (AlertOutPolicy):
        score (float):
        track_sid (str):
    """

    action: str
    identity: str
    kind: AlertOutKind
    notified: list[str]
    policy: AlertOutPolicy
    score: float
    track_sid: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        identity = self.identity

        kind = self.kind.value

        notified = self.notified

        policy = self.policy.value

        score = self.score

        track_sid = self.track_sid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "identity": identity,
                "kind": kind,
                "notified": notified,
                "policy": policy,
                "score": score,
                "track_sid": track_sid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        identity = d.pop("identity")

        kind = AlertOutKind(d.pop("kind"))

        notified = cast(list[str], d.pop("notified"))

        policy = AlertOutPolicy(d.pop("policy"))

        score = d.pop("score")

        track_sid = d.pop("track_sid")

        alert_out = cls(
            action=action,
            identity=identity,
            kind=kind,
            notified=notified,
            policy=policy,
            score=score,
            track_sid=track_sid,
        )

        alert_out.additional_properties = d
        return alert_out

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
