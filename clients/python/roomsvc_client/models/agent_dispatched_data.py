from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AgentDispatchedData")


@_attrs_define
class AgentDispatchedData:
    """
    Attributes:
        agent_name (str):
        dispatch_id (str): roomsvc's id of the dispatch (`adp_…`)
        livekit_dispatch_id (str): LiveKit's id of this dispatch
        redispatch (bool): dispatched again because its agent was gone when a human joined
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    agent_name: str
    dispatch_id: str
    livekit_dispatch_id: str
    redispatch: bool
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_name = self.agent_name

        dispatch_id = self.dispatch_id

        livekit_dispatch_id = self.livekit_dispatch_id

        redispatch = self.redispatch

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_name": agent_name,
                "dispatch_id": dispatch_id,
                "livekit_dispatch_id": livekit_dispatch_id,
                "redispatch": redispatch,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_name = d.pop("agent_name")

        dispatch_id = d.pop("dispatch_id")

        livekit_dispatch_id = d.pop("livekit_dispatch_id")

        redispatch = d.pop("redispatch")

        request_id = d.pop("request_id", UNSET)

        agent_dispatched_data = cls(
            agent_name=agent_name,
            dispatch_id=dispatch_id,
            livekit_dispatch_id=livekit_dispatch_id,
            redispatch=redispatch,
            request_id=request_id,
        )

        agent_dispatched_data.additional_properties = d
        return agent_dispatched_data

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
