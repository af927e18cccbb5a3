from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DispatchCreate")


@_attrs_define
class DispatchCreate:
    """
    Attributes:
        agent_name (str): the name the agent's worker registers with LiveKit (`agent_name`): letters, digits, `-` and
            `_`, at most 64
        metadata (Any | Unset): a string, or any JSON value (stored JSON-encoded); at most 16384 bytes of UTF-8 once
            encoded, which the server counts (400 naming the field) and JSON Schema cannot
    """

    agent_name: str
    metadata: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        agent_name = self.agent_name

        metadata = self.metadata

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "agent_name": agent_name,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_name = d.pop("agent_name")

        metadata = d.pop("metadata", UNSET)

        dispatch_create = cls(
            agent_name=agent_name,
            metadata=metadata,
        )

        return dispatch_create
