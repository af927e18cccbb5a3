from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="OwnerTransfer")


@_attrs_define
class OwnerTransfer:
    """
    Attributes:
        identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
        actor (None | str | Unset):
    """

    identity: str
    actor: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity": identity,
            }
        )
        if actor is not UNSET:
            field_dict["actor"] = actor

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

        owner_transfer = cls(
            identity=identity,
            actor=actor,
        )

        return owner_transfer
