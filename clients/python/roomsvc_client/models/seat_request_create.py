from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.seat_request_create_kind import SeatRequestCreateKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="SeatRequestCreate")


@_attrs_define
class SeatRequestCreate:
    """
    Attributes:
        identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
        actor (None | str | Unset): invitations: the inviting owner/admin
        expires_in (int | None | Unset):
        kind (SeatRequestCreateKind | Unset): `application`: the identity asks (default); `invitation`: an owner/admin
            (`actor`) invites the identity onto the stage, and the identity accepts or declines Default:
            SeatRequestCreateKind.APPLICATION.
        seat (int | None | Unset):
    """

    identity: str
    actor: None | str | Unset = UNSET
    expires_in: int | None | Unset = UNSET
    kind: SeatRequestCreateKind | Unset = SeatRequestCreateKind.APPLICATION
    seat: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        expires_in: int | None | Unset
        if isinstance(self.expires_in, Unset):
            expires_in = UNSET
        else:
            expires_in = self.expires_in

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        seat: int | None | Unset
        if isinstance(self.seat, Unset):
            seat = UNSET
        else:
            seat = self.seat

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity": identity,
            }
        )
        if actor is not UNSET:
            field_dict["actor"] = actor
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if kind is not UNSET:
            field_dict["kind"] = kind
        if seat is not UNSET:
            field_dict["seat"] = seat

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))

        def _parse_expires_in(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_in = _parse_expires_in(d.pop("expires_in", UNSET))

        _kind = d.pop("kind", UNSET)
        kind: SeatRequestCreateKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = SeatRequestCreateKind(_kind)

        def _parse_seat(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seat = _parse_seat(d.pop("seat", UNSET))

        seat_request_create = cls(
            identity=identity,
            actor=actor,
            expires_in=expires_in,
            kind=kind,
            seat=seat,
        )

        return seat_request_create
