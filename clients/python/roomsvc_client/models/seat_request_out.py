from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.seat_request_out_kind import SeatRequestOutKind
from ..models.seat_request_out_status import SeatRequestOutStatus

T = TypeVar("T", bound="SeatRequestOut")


@_attrs_define
class SeatRequestOut:
    """
    Attributes:
        created_at (datetime.datetime):
        decided_at (datetime.datetime | None):
        decided_by (None | str):
        expires_at (datetime.datetime | None): invitations: when it expires
        id (str):
        identity (str):
        invited_by (None | str): invitations: the inviting identity
        kind (SeatRequestOutKind):
        preferred_seat (int | None):
        reason (str):
        seat (int | None):
        status (SeatRequestOutStatus):
    """

    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decided_by: None | str
    expires_at: datetime.datetime | None
    id: str
    identity: str
    invited_by: None | str
    kind: SeatRequestOutKind
    preferred_seat: int | None
    reason: str
    seat: int | None
    status: SeatRequestOutStatus
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

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id = self.id

        identity = self.identity

        invited_by: None | str
        invited_by = self.invited_by

        kind = self.kind.value

        preferred_seat: int | None
        preferred_seat = self.preferred_seat

        reason = self.reason

        seat: int | None
        seat = self.seat

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
                "invited_by": invited_by,
                "kind": kind,
                "preferred_seat": preferred_seat,
                "reason": reason,
                "seat": seat,
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

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        id = d.pop("id")

        identity = d.pop("identity")

        def _parse_invited_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invited_by = _parse_invited_by(d.pop("invited_by"))

        kind = SeatRequestOutKind(d.pop("kind"))

        def _parse_preferred_seat(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        preferred_seat = _parse_preferred_seat(d.pop("preferred_seat"))

        reason = d.pop("reason")

        def _parse_seat(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seat = _parse_seat(d.pop("seat"))

        status = SeatRequestOutStatus(d.pop("status"))

        seat_request_out = cls(
            created_at=created_at,
            decided_at=decided_at,
            decided_by=decided_by,
            expires_at=expires_at,
            id=id,
            identity=identity,
            invited_by=invited_by,
            kind=kind,
            preferred_seat=preferred_seat,
            reason=reason,
            seat=seat,
            status=status,
        )

        seat_request_out.additional_properties = d
        return seat_request_out

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
