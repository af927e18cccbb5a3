from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dispatch_out_owner import DispatchOutOwner
from ..models.dispatch_out_state import DispatchOutState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.live_kit_dispatch_out import LiveKitDispatchOut


T = TypeVar("T", bound="DispatchOut")


@_attrs_define
class DispatchOut:
    """
    Attributes:
        agent_name (str):
        created_at (datetime.datetime):
        created_by (str):
        dispatch_count (int):
        dispatched_at (datetime.datetime | None):
        id (str):
        metadata (str):
        owner (DispatchOutOwner):
        remove_reason (None | str):
        removed_at (datetime.datetime | None):
        room (str):
        room_sid (None | str):
        state (DispatchOutState):
        livekit (LiveKitDispatchOut | None | Unset):
    """

    agent_name: str
    created_at: datetime.datetime
    created_by: str
    dispatch_count: int
    dispatched_at: datetime.datetime | None
    id: str
    metadata: str
    owner: DispatchOutOwner
    remove_reason: None | str
    removed_at: datetime.datetime | None
    room: str
    room_sid: None | str
    state: DispatchOutState
    livekit: LiveKitDispatchOut | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.live_kit_dispatch_out import LiveKitDispatchOut  # noqa: PLC0415

        agent_name = self.agent_name

        created_at = self.created_at.isoformat()

        created_by = self.created_by

        dispatch_count = self.dispatch_count

        dispatched_at: None | str
        if isinstance(self.dispatched_at, datetime.datetime):
            dispatched_at = self.dispatched_at.isoformat()
        else:
            dispatched_at = self.dispatched_at

        id = self.id

        metadata = self.metadata

        owner = self.owner.value

        remove_reason: None | str
        remove_reason = self.remove_reason

        removed_at: None | str
        if isinstance(self.removed_at, datetime.datetime):
            removed_at = self.removed_at.isoformat()
        else:
            removed_at = self.removed_at

        room = self.room

        room_sid: None | str
        room_sid = self.room_sid

        state = self.state.value

        livekit: dict[str, Any] | None | Unset
        if isinstance(self.livekit, Unset):
            livekit = UNSET
        elif isinstance(self.livekit, LiveKitDispatchOut):
            livekit = self.livekit.to_dict()
        else:
            livekit = self.livekit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_name": agent_name,
                "created_at": created_at,
                "created_by": created_by,
                "dispatch_count": dispatch_count,
                "dispatched_at": dispatched_at,
                "id": id,
                "metadata": metadata,
                "owner": owner,
                "remove_reason": remove_reason,
                "removed_at": removed_at,
                "room": room,
                "room_sid": room_sid,
                "state": state,
            }
        )
        if livekit is not UNSET:
            field_dict["livekit"] = livekit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.live_kit_dispatch_out import LiveKitDispatchOut  # noqa: PLC0415

        d = dict(src_dict)
        agent_name = d.pop("agent_name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        created_by = d.pop("created_by")

        dispatch_count = d.pop("dispatch_count")

        def _parse_dispatched_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dispatched_at_type_0 = datetime.datetime.fromisoformat(data)

                return dispatched_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        dispatched_at = _parse_dispatched_at(d.pop("dispatched_at"))

        id = d.pop("id")

        metadata = d.pop("metadata")

        owner = DispatchOutOwner(d.pop("owner"))

        def _parse_remove_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        remove_reason = _parse_remove_reason(d.pop("remove_reason"))

        def _parse_removed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                removed_at_type_0 = datetime.datetime.fromisoformat(data)

                return removed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        removed_at = _parse_removed_at(d.pop("removed_at"))

        room = d.pop("room")

        def _parse_room_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_sid = _parse_room_sid(d.pop("room_sid"))

        state = DispatchOutState(d.pop("state"))

        def _parse_livekit(data: object) -> LiveKitDispatchOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                livekit_type_0 = LiveKitDispatchOut.from_dict(data)

                return livekit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LiveKitDispatchOut | None | Unset, data)

        livekit = _parse_livekit(d.pop("livekit", UNSET))

        dispatch_out = cls(
            agent_name=agent_name,
            created_at=created_at,
            created_by=created_by,
            dispatch_count=dispatch_count,
            dispatched_at=dispatched_at,
            id=id,
            metadata=metadata,
            owner=owner,
            remove_reason=remove_reason,
            removed_at=removed_at,
            room=room,
            room_sid=room_sid,
            state=state,
            livekit=livekit,
        )

        dispatch_out.additional_properties = d
        return dispatch_out

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
