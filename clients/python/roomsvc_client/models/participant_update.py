from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.participant_update_role import ParticipantUpdateRole
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.participant_update_attributes import ParticipantUpdateAttributes


T = TypeVar("T", bound="ParticipantUpdate")


@_attrs_define
class ParticipantUpdate:
    """
    Attributes:
        attributes (ParticipantUpdateAttributes | Unset):
        metadata (Any | Unset): a string, or any JSON value (stored JSON-encoded); at most 16384 bytes of UTF-8 once
            encoded, which the server counts (400 naming the field) and JSON Schema cannot
        name (str | Unset):
        role (ParticipantUpdateRole | Unset):
    """

    attributes: ParticipantUpdateAttributes | Unset = UNSET
    metadata: Any | Unset = UNSET
    name: str | Unset = UNSET
    role: ParticipantUpdateRole | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        metadata = self.metadata

        name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.participant_update_attributes import ParticipantUpdateAttributes  # noqa: PLC0415

        d = dict(src_dict)
        _attributes = d.pop("attributes", UNSET)
        attributes: ParticipantUpdateAttributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = ParticipantUpdateAttributes.from_dict(_attributes)

        metadata = d.pop("metadata", UNSET)

        name = d.pop("name", UNSET)

        _role = d.pop("role", UNSET)
        role: ParticipantUpdateRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = ParticipantUpdateRole(_role)

        participant_update = cls(
            attributes=attributes,
            metadata=metadata,
            name=name,
            role=role,
        )

        return participant_update
