from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ActionGate")


@_attrs_define
class ActionGate:
    """
    Attributes:
        actions_allowed (bool):
        max_false_alarm (float): ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM
        reason (str): why not; empty when allowed
    """

    actions_allowed: bool
    max_false_alarm: float
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actions_allowed = self.actions_allowed

        max_false_alarm = self.max_false_alarm

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actions_allowed": actions_allowed,
                "max_false_alarm": max_false_alarm,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        actions_allowed = d.pop("actions_allowed")

        max_false_alarm = d.pop("max_false_alarm")

        reason = d.pop("reason")

        action_gate = cls(
            actions_allowed=actions_allowed,
            max_false_alarm=max_false_alarm,
            reason=reason,
        )

        action_gate.additional_properties = d
        return action_gate

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
