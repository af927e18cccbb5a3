from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.agent_job_out import AgentJobOut


T = TypeVar("T", bound="LiveKitDispatchOut")


@_attrs_define
class LiveKitDispatchOut:
    """
    Attributes:
        dispatch_id (str):
        jobs (list[AgentJobOut]):
    """

    dispatch_id: str
    jobs: list[AgentJobOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dispatch_id = self.dispatch_id

        jobs = []
        for jobs_item_data in self.jobs:
            jobs_item = jobs_item_data.to_dict()
            jobs.append(jobs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dispatch_id": dispatch_id,
                "jobs": jobs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_job_out import AgentJobOut  # noqa: PLC0415

        d = dict(src_dict)
        dispatch_id = d.pop("dispatch_id")

        jobs = []
        _jobs = d.pop("jobs")
        for jobs_item_data in _jobs:
            jobs_item = AgentJobOut.from_dict(jobs_item_data)

            jobs.append(jobs_item)

        live_kit_dispatch_out = cls(
            dispatch_id=dispatch_id,
            jobs=jobs,
        )

        live_kit_dispatch_out.additional_properties = d
        return live_kit_dispatch_out

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
