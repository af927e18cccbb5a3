from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invitation_accept_attributes_type_0 import InvitationAcceptAttributesType0


T = TypeVar("T", bound="InvitationAccept")


@_attrs_define
class InvitationAccept:
    """
    Attributes:
        attributes (InvitationAcceptAttributesType0 | None | Unset):
        metadata (Any | Unset): a string, or any JSON value (stored JSON-encoded); at most 16384 bytes of UTF-8 once
            encoded, which the server counts (400 naming the field) and JSON Schema cannot
        name (str | Unset):  Default: ''.
        ttl (int | None | Unset): at most ROOMSVC_TOKEN_MAX_TTL seconds (3600 here)
    """

    attributes: InvitationAcceptAttributesType0 | None | Unset = UNSET
    metadata: Any | Unset = UNSET
    name: str | Unset = ""
    ttl: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.invitation_accept_attributes_type_0 import InvitationAcceptAttributesType0  # noqa: PLC0415

        attributes: dict[str, Any] | None | Unset
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, InvitationAcceptAttributesType0):
            attributes = self.attributes.to_dict()
        else:
            attributes = self.attributes

        metadata = self.metadata

        name = self.name

        ttl: int | None | Unset
        if isinstance(self.ttl, Unset):
            ttl = UNSET
        else:
            ttl = self.ttl

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if ttl is not UNSET:
            field_dict["ttl"] = ttl

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invitation_accept_attributes_type_0 import InvitationAcceptAttributesType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_attributes(data: object) -> InvitationAcceptAttributesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attributes_type_0 = InvitationAcceptAttributesType0.from_dict(data)

                return attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvitationAcceptAttributesType0 | None | Unset, data)

        attributes = _parse_attributes(d.pop("attributes", UNSET))

        metadata = d.pop("metadata", UNSET)

        name = d.pop("name", UNSET)

        def _parse_ttl(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl = _parse_ttl(d.pop("ttl", UNSET))

        invitation_accept = cls(
            attributes=attributes,
            metadata=metadata,
            name=name,
            ttl=ttl,
        )

        return invitation_accept
