from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.join_response_role import JoinResponseRole

if TYPE_CHECKING:
    from ..models.grants_out import GrantsOut


T = TypeVar("T", bound="JoinResponse")


@_attrs_define
class JoinResponse:
    """
    Attributes:
        expires_at (datetime.datetime):
        grants (GrantsOut):
        identity (str):
        role (JoinResponseRole):
        room (str):
        token (str):
        url (str):
    """

    expires_at: datetime.datetime
    grants: GrantsOut
    identity: str
    role: JoinResponseRole
    room: str
    token: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at.isoformat()

        grants = self.grants.to_dict()

        identity = self.identity

        role = self.role.value

        room = self.room

        token = self.token

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expires_at": expires_at,
                "grants": grants,
                "identity": identity,
                "role": role,
                "room": room,
                "token": token,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.grants_out import GrantsOut  # noqa: PLC0415

        d = dict(src_dict)
        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        grants = GrantsOut.from_dict(d.pop("grants"))

        identity = d.pop("identity")

        role = JoinResponseRole(d.pop("role"))

        room = d.pop("room")

        token = d.pop("token")

        url = d.pop("url")

        join_response = cls(
            expires_at=expires_at,
            grants=grants,
            identity=identity,
            role=role,
            room=room,
            token=token,
            url=url,
        )

        join_response.additional_properties = d
        return join_response

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
