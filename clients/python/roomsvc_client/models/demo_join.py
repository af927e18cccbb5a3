from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.demo_join_role_type_0 import DemoJoinRoleType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="DemoJoin")


@_attrs_define
class DemoJoin:
    """
    Attributes:
        identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
        room (str): 1-128 characters from A-Z a-z 0-9 . _ -
        name (str | Unset):  Default: ''.
        role (DemoJoinRoleType0 | None | Unset):
    """

    identity: str
    room: str
    name: str | Unset = ""
    role: DemoJoinRoleType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        room = self.room

        name = self.name

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        elif isinstance(self.role, DemoJoinRoleType0):
            role = self.role.value
        else:
            role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity": identity,
                "room": room,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        room = d.pop("room")

        name = d.pop("name", UNSET)

        def _parse_role(data: object) -> DemoJoinRoleType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_0 = DemoJoinRoleType0(data)

                return role_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DemoJoinRoleType0 | None | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        demo_join = cls(
            identity=identity,
            room=room,
            name=name,
            role=role,
        )

        return demo_join
