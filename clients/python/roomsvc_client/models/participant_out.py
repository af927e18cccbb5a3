from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.participant_out_role_type_1 import ParticipantOutRoleType1
from ..models.participant_out_role_type_2_type_1 import ParticipantOutRoleType2Type1
from ..models.participant_out_role_type_3_type_1 import ParticipantOutRoleType3Type1
from ..models.participant_out_state import ParticipantOutState

if TYPE_CHECKING:
    from ..models.participant_out_attributes import ParticipantOutAttributes
    from ..models.track_out import TrackOut


T = TypeVar("T", bound="ParticipantOut")


@_attrs_define
class ParticipantOut:
    """
    Attributes:
        attributes (ParticipantOutAttributes):
        connected (bool):
        identity (str):
        joined_at (datetime.datetime | None):
        left_at (datetime.datetime | None):
        livekit_sid (None | str):
        metadata (str):
        name (str):
        role (None | ParticipantOutRoleType1 | ParticipantOutRoleType2Type1 | ParticipantOutRoleType3Type1):
        state (ParticipantOutState):
        tracks (list[TrackOut]):
    """

    attributes: ParticipantOutAttributes
    connected: bool
    identity: str
    joined_at: datetime.datetime | None
    left_at: datetime.datetime | None
    livekit_sid: None | str
    metadata: str
    name: str
    role: None | ParticipantOutRoleType1 | ParticipantOutRoleType2Type1 | ParticipantOutRoleType3Type1
    state: ParticipantOutState
    tracks: list[TrackOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attributes = self.attributes.to_dict()

        connected = self.connected

        identity = self.identity

        joined_at: None | str
        if isinstance(self.joined_at, datetime.datetime):
            joined_at = self.joined_at.isoformat()
        else:
            joined_at = self.joined_at

        left_at: None | str
        if isinstance(self.left_at, datetime.datetime):
            left_at = self.left_at.isoformat()
        else:
            left_at = self.left_at

        livekit_sid: None | str
        livekit_sid = self.livekit_sid

        metadata = self.metadata

        name = self.name

        role: None | str
        if isinstance(self.role, ParticipantOutRoleType1):
            role = self.role.value
        elif isinstance(self.role, ParticipantOutRoleType2Type1):
            role = self.role.value
        elif isinstance(self.role, ParticipantOutRoleType3Type1):
            role = self.role.value
        else:
            role = self.role

        state = self.state.value

        tracks = []
        for tracks_item_data in self.tracks:
            tracks_item = tracks_item_data.to_dict()
            tracks.append(tracks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attributes": attributes,
                "connected": connected,
                "identity": identity,
                "joined_at": joined_at,
                "left_at": left_at,
                "livekit_sid": livekit_sid,
                "metadata": metadata,
                "name": name,
                "role": role,
                "state": state,
                "tracks": tracks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.participant_out_attributes import ParticipantOutAttributes  # noqa: PLC0415
        from ..models.track_out import TrackOut  # noqa: PLC0415

        d = dict(src_dict)
        attributes = ParticipantOutAttributes.from_dict(d.pop("attributes"))

        connected = d.pop("connected")

        identity = d.pop("identity")

        def _parse_joined_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                joined_at_type_0 = datetime.datetime.fromisoformat(data)

                return joined_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        joined_at = _parse_joined_at(d.pop("joined_at"))

        def _parse_left_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                left_at_type_0 = datetime.datetime.fromisoformat(data)

                return left_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        left_at = _parse_left_at(d.pop("left_at"))

        def _parse_livekit_sid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        livekit_sid = _parse_livekit_sid(d.pop("livekit_sid"))

        metadata = d.pop("metadata")

        name = d.pop("name")

        def _parse_role(
            data: object,
        ) -> None | ParticipantOutRoleType1 | ParticipantOutRoleType2Type1 | ParticipantOutRoleType3Type1:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_1 = ParticipantOutRoleType1(data)

                return role_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_2_type_1 = ParticipantOutRoleType2Type1(data)

                return role_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_3_type_1 = ParticipantOutRoleType3Type1(data)

                return role_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None | ParticipantOutRoleType1 | ParticipantOutRoleType2Type1 | ParticipantOutRoleType3Type1, data
            )

        role = _parse_role(d.pop("role"))

        state = ParticipantOutState(d.pop("state"))

        tracks = []
        _tracks = d.pop("tracks")
        for tracks_item_data in _tracks:
            tracks_item = TrackOut.from_dict(tracks_item_data)

            tracks.append(tracks_item)

        participant_out = cls(
            attributes=attributes,
            connected=connected,
            identity=identity,
            joined_at=joined_at,
            left_at=left_at,
            livekit_sid=livekit_sid,
            metadata=metadata,
            name=name,
            role=role,
            state=state,
            tracks=tracks,
        )

        participant_out.additional_properties = d
        return participant_out

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
