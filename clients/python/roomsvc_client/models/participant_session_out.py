from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ParticipantSessionOut")


@_attrs_define
class ParticipantSessionOut:
    """
    Attributes:
        disconnect_reason (None | str):
        duration_seconds (float | None):
        identity (str):
        joined_at (datetime.datetime | None):
        kind (str):
        left_at (datetime.datetime | None):
        name (str):
        repaired (bool):
        sid (str):
    """

    disconnect_reason: None | str
    duration_seconds: float | None
    identity: str
    joined_at: datetime.datetime | None
    kind: str
    left_at: datetime.datetime | None
    name: str
    repaired: bool
    sid: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        disconnect_reason: None | str
        disconnect_reason = self.disconnect_reason

        duration_seconds: float | None
        duration_seconds = self.duration_seconds

        identity = self.identity

        joined_at: None | str
        if isinstance(self.joined_at, datetime.datetime):
            joined_at = self.joined_at.isoformat()
        else:
            joined_at = self.joined_at

        kind = self.kind

        left_at: None | str
        if isinstance(self.left_at, datetime.datetime):
            left_at = self.left_at.isoformat()
        else:
            left_at = self.left_at

        name = self.name

        repaired = self.repaired

        sid = self.sid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "disconnect_reason": disconnect_reason,
                "duration_seconds": duration_seconds,
                "identity": identity,
                "joined_at": joined_at,
                "kind": kind,
                "left_at": left_at,
                "name": name,
                "repaired": repaired,
                "sid": sid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_disconnect_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disconnect_reason = _parse_disconnect_reason(d.pop("disconnect_reason"))

        def _parse_duration_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_seconds = _parse_duration_seconds(d.pop("duration_seconds"))

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

        kind = d.pop("kind")

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

        name = d.pop("name")

        repaired = d.pop("repaired")

        sid = d.pop("sid")

        participant_session_out = cls(
            disconnect_reason=disconnect_reason,
            duration_seconds=duration_seconds,
            identity=identity,
            joined_at=joined_at,
            kind=kind,
            left_at=left_at,
            name=name,
            repaired=repaired,
            sid=sid,
        )

        participant_session_out.additional_properties = d
        return participant_session_out

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
