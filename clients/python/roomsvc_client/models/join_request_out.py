from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.join_request_out_status import JoinRequestOutStatus

T = TypeVar("T", bound="JoinRequestOut")


@_attrs_define
class JoinRequestOut:
    """
    Attributes:
        created_at (datetime.datetime):
        decided_at (datetime.datetime | None):
        decided_by (None | str): the actor (or caller credential) that admitted or denied
        expires_at (datetime.datetime): unanswered by then, it expires
        id (str):
        identity (str):
        name (str): the display name the join asked for
        reason (str): the reason a denial gave
        room (str):
        status (JoinRequestOutStatus):
    """

    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decided_by: None | str
    expires_at: datetime.datetime
    id: str
    identity: str
    name: str
    reason: str
    room: str
    status: JoinRequestOutStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decided_by: None | str
        decided_by = self.decided_by

        expires_at = self.expires_at.isoformat()

        id = self.id

        identity = self.identity

        name = self.name

        reason = self.reason

        room = self.room

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "decided_at": decided_at,
                "decided_by": decided_by,
                "expires_at": expires_at,
                "id": id,
                "identity": identity,
                "name": name,
                "reason": reason,
                "room": room,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        id = d.pop("id")

        identity = d.pop("identity")

        name = d.pop("name")

        reason = d.pop("reason")

        room = d.pop("room")

        status = JoinRequestOutStatus(d.pop("status"))

        join_request_out = cls(
            created_at=created_at,
            decided_at=decided_at,
            decided_by=decided_by,
            expires_at=expires_at,
            id=id,
            identity=identity,
            name=name,
            reason=reason,
            room=room,
            status=status,
        )

        join_request_out.additional_properties = d
        return join_request_out

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
