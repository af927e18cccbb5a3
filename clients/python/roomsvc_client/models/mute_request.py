from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.mute_request_sources_item import MuteRequestSourcesItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="MuteRequest")


@_attrs_define
class MuteRequest:
    """
    Attributes:
        actor (None | str | Unset):
        duration (int | str | Unset):  Default: '1h'.
        reason (str | Unset):  Default: ''.
        sources (list[MuteRequestSourcesItem] | Unset):
    """

    actor: None | str | Unset = UNSET
    duration: int | str | Unset = "1h"
    reason: str | Unset = ""
    sources: list[MuteRequestSourcesItem] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        duration: int | str | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        reason = self.reason

        sources: list[str] | Unset = UNSET
        if not isinstance(self.sources, Unset):
            sources = []
            for sources_item_data in self.sources:
                sources_item = sources_item_data.value
                sources.append(sources_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if actor is not UNSET:
            field_dict["actor"] = actor
        if duration is not UNSET:
            field_dict["duration"] = duration
        if reason is not UNSET:
            field_dict["reason"] = reason
        if sources is not UNSET:
            field_dict["sources"] = sources

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

        def _parse_duration(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        duration = _parse_duration(d.pop("duration", UNSET))

        reason = d.pop("reason", UNSET)

        _sources = d.pop("sources", UNSET)
        sources: list[MuteRequestSourcesItem] | Unset = UNSET
        if _sources is not UNSET:
            sources = []
            for sources_item_data in _sources:
                sources_item = MuteRequestSourcesItem(sources_item_data)

                sources.append(sources_item)

        mute_request = cls(
            actor=actor,
            duration=duration,
            reason=reason,
            sources=sources,
        )

        return mute_request
