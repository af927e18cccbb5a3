from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_out_params import AuditOutParams


T = TypeVar("T", bound="AuditOut")


@_attrs_define
class AuditOut:
    """
    Attributes:
        action (str):
        actor (None | str):
        caller (str):
        created_at (datetime.datetime):
        params (AuditOutParams):
        reason (str):
        target (None | str):
    """

    action: str
    actor: None | str
    caller: str
    created_at: datetime.datetime
    params: AuditOutParams
    reason: str
    target: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        actor: None | str
        actor = self.actor

        caller = self.caller

        created_at = self.created_at.isoformat()

        params = self.params.to_dict()

        reason = self.reason

        target: None | str
        target = self.target

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor": actor,
                "caller": caller,
                "created_at": created_at,
                "params": params,
                "reason": reason,
                "target": target,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_out_params import AuditOutParams  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        caller = d.pop("caller")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        params = AuditOutParams.from_dict(d.pop("params"))

        reason = d.pop("reason")

        def _parse_target(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target = _parse_target(d.pop("target"))

        audit_out = cls(
            action=action,
            actor=actor,
            caller=caller,
            created_at=created_at,
            params=params,
            reason=reason,
            target=target,
        )

        audit_out.additional_properties = d
        return audit_out

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
