from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.join_request_role_type_0 import JoinRequestRoleType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.join_request_attributes_type_0 import JoinRequestAttributesType0


T = TypeVar("T", bound="JoinRequest")


@_attrs_define
class JoinRequest:
    """
    Attributes:
        identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
        attributes (JoinRequestAttributesType0 | None | Unset):
        metadata (Any | Unset): a string, or any JSON value (stored JSON-encoded); at most 16384 bytes of UTF-8 once
            encoded, which the server counts (400 naming the field) and JSON Schema cannot
        name (str | Unset):  Default: ''.
        role (JoinRequestRoleType0 | None | Unset):
        ttl (int | None | Unset): at most ROOMSVC_TOKEN_MAX_TTL seconds (3600 here)
    """

    identity: str
    attributes: JoinRequestAttributesType0 | None | Unset = UNSET
    metadata: Any | Unset = UNSET
    name: str | Unset = ""
    role: JoinRequestRoleType0 | None | Unset = UNSET
    ttl: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.join_request_attributes_type_0 import JoinRequestAttributesType0  # noqa: PLC0415

        identity = self.identity

        attributes: dict[str, Any] | None | Unset
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, JoinRequestAttributesType0):
            attributes = self.attributes.to_dict()
        else:
            attributes = self.attributes

        metadata = self.metadata

        name = self.name

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        elif isinstance(self.role, JoinRequestRoleType0):
            role = self.role.value
        else:
            role = self.role

        ttl: int | None | Unset
        if isinstance(self.ttl, Unset):
            ttl = UNSET
        else:
            ttl = self.ttl

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity": identity,
            }
        )
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if role is not UNSET:
            field_dict["role"] = role
        if ttl is not UNSET:
            field_dict["ttl"] = ttl

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.join_request_attributes_type_0 import JoinRequestAttributesType0  # noqa: PLC0415

        d = dict(src_dict)
        identity = d.pop("identity")

        def _parse_attributes(data: object) -> JoinRequestAttributesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attributes_type_0 = JoinRequestAttributesType0.from_dict(data)

                return attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JoinRequestAttributesType0 | None | Unset, data)

        attributes = _parse_attributes(d.pop("attributes", UNSET))

        metadata = d.pop("metadata", UNSET)

        name = d.pop("name", UNSET)

        def _parse_role(data: object) -> JoinRequestRoleType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_0 = JoinRequestRoleType0(data)

                return role_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JoinRequestRoleType0 | None | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        def _parse_ttl(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl = _parse_ttl(d.pop("ttl", UNSET))

        join_request = cls(
            identity=identity,
            attributes=attributes,
            metadata=metadata,
            name=name,
            role=role,
            ttl=ttl,
        )

        return join_request
