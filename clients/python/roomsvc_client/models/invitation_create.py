from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.invitation_create_role import InvitationCreateRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="InvitationCreate")


@_attrs_define
class InvitationCreate:
    """
    Attributes:
        identities (list[str]):
        actor (None | str | Unset): the identity inviting; required (the room's owner) for `role: admin`
        expires_in (int | Unset): seconds Default: 86400.
        role (InvitationCreateRole | Unset): `admin` needs the moderation scope and `actor` (the room's owner); with
            rooms:write an invitation carries at most `member` Default: InvitationCreateRole.MEMBER.
    """

    identities: list[str]
    actor: None | str | Unset = UNSET
    expires_in: int | Unset = 86400
    role: InvitationCreateRole | Unset = InvitationCreateRole.MEMBER

    def to_dict(self) -> dict[str, Any]:
        identities = self.identities

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        expires_in = self.expires_in

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identities": identities,
            }
        )
        if actor is not UNSET:
            field_dict["actor"] = actor
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identities = cast(list[str], d.pop("identities"))

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))

        expires_in = d.pop("expires_in", UNSET)

        _role = d.pop("role", UNSET)
        role: InvitationCreateRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = InvitationCreateRole(_role)

        invitation_create = cls(
            identities=identities,
            actor=actor,
            expires_in=expires_in,
            role=role,
        )

        return invitation_create
