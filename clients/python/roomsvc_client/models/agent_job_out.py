from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agent_job_out_status import AgentJobOutStatus

T = TypeVar("T", bound="AgentJobOut")


@_attrs_define
class AgentJobOut:
    """
    Attributes:
        error (str):
        id (str):
        participant_identity (str):
        status (AgentJobOutStatus):
    """

    error: str
    id: str
    participant_identity: str
    status: AgentJobOutStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error = self.error

        id = self.id

        participant_identity = self.participant_identity

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
                "id": id,
                "participant_identity": participant_identity,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        error = d.pop("error")

        id = d.pop("id")

        participant_identity = d.pop("participant_identity")

        status = AgentJobOutStatus(d.pop("status"))

        agent_job_out = cls(
            error=error,
            id=id,
            participant_identity=participant_identity,
            status=status,
        )

        agent_job_out.additional_properties = d
        return agent_job_out

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
