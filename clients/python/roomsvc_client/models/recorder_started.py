from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecorderStarted")


@_attrs_define
class RecorderStarted:
    """
    Attributes:
        agent_identity (None | str | Unset):
        room_sid (None | str | Unset):
    """

    agent_identity: None | str | Unset = UNSET
    room_sid: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        agent_identity: None | str | Unset
        if isinstance(self.agent_identity, Unset):
            agent_identity = UNSET
        else:
            agent_identity = self.agent_identity

        room_sid: None | str | Unset
        if isinstance(self.room_sid, Unset):
            room_sid = UNSET
        else:
            room_sid = self.room_sid

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if agent_identity is not UNSET:
            field_dict["agent_identity"] = agent_identity
        if room_sid is not UNSET:
            field_dict["room_sid"] = room_sid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_agent_identity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_identity = _parse_agent_identity(d.pop("agent_identity", UNSET))

        def _parse_room_sid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        room_sid = _parse_room_sid(d.pop("room_sid", UNSET))

        recorder_started = cls(
            agent_identity=agent_identity,
            room_sid=room_sid,
        )

        return recorder_started
