from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Kick")


@_attrs_define
class Kick:
    """
    Attributes:
        actor (None | str | Unset):
        ban_seconds (int | Unset): ban length; ignored when `permanent` is true Default: 600.
        permanent (bool | Unset):  Default: False.
        reason (str | Unset):  Default: ''.
    """

    actor: None | str | Unset = UNSET
    ban_seconds: int | Unset = 600
    permanent: bool | Unset = False
    reason: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        ban_seconds = self.ban_seconds

        permanent = self.permanent

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if actor is not UNSET:
            field_dict["actor"] = actor
        if ban_seconds is not UNSET:
            field_dict["ban_seconds"] = ban_seconds
        if permanent is not UNSET:
            field_dict["permanent"] = permanent
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))

        ban_seconds = d.pop("ban_seconds", UNSET)

        permanent = d.pop("permanent", UNSET)

        reason = d.pop("reason", UNSET)

        kick = cls(
            actor=actor,
            ban_seconds=ban_seconds,
            permanent=permanent,
            reason=reason,
        )

        return kick
