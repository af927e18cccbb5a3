from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ControlsUpdate")


@_attrs_define
class ControlsUpdate:
    """Switch room-wide controls on (true) or off (false); a control left out keeps its state.

    ``duration`` or ``until`` (not both) time the controls this request switches on; without either they
    last until switched off. Switching a control on again re-times it.

    Attributes:
        actor (None | str | Unset):
        audio_disabled (bool | None | Unset):
        data_disabled (bool | None | Unset):
        duration (int | None | Unset):
        reason (str | Unset):  Default: ''.
        screen_share_disabled (bool | None | Unset):
        until (datetime.datetime | None | Unset):
        video_disabled (bool | None | Unset):
    """

    actor: None | str | Unset = UNSET
    audio_disabled: bool | None | Unset = UNSET
    data_disabled: bool | None | Unset = UNSET
    duration: int | None | Unset = UNSET
    reason: str | Unset = ""
    screen_share_disabled: bool | None | Unset = UNSET
    until: datetime.datetime | None | Unset = UNSET
    video_disabled: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        audio_disabled: bool | None | Unset
        if isinstance(self.audio_disabled, Unset):
            audio_disabled = UNSET
        else:
            audio_disabled = self.audio_disabled

        data_disabled: bool | None | Unset
        if isinstance(self.data_disabled, Unset):
            data_disabled = UNSET
        else:
            data_disabled = self.data_disabled

        duration: int | None | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        reason = self.reason

        screen_share_disabled: bool | None | Unset
        if isinstance(self.screen_share_disabled, Unset):
            screen_share_disabled = UNSET
        else:
            screen_share_disabled = self.screen_share_disabled

        until: None | str | Unset
        if isinstance(self.until, Unset):
            until = UNSET
        elif isinstance(self.until, datetime.datetime):
            until = self.until.isoformat()
        else:
            until = self.until

        video_disabled: bool | None | Unset
        if isinstance(self.video_disabled, Unset):
            video_disabled = UNSET
        else:
            video_disabled = self.video_disabled

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if actor is not UNSET:
            field_dict["actor"] = actor
        if audio_disabled is not UNSET:
            field_dict["audio_disabled"] = audio_disabled
        if data_disabled is not UNSET:
            field_dict["data_disabled"] = data_disabled
        if duration is not UNSET:
            field_dict["duration"] = duration
        if reason is not UNSET:
            field_dict["reason"] = reason
        if screen_share_disabled is not UNSET:
            field_dict["screen_share_disabled"] = screen_share_disabled
        if until is not UNSET:
            field_dict["until"] = until
        if video_disabled is not UNSET:
            field_dict["video_disabled"] = video_disabled

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

        def _parse_audio_disabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        audio_disabled = _parse_audio_disabled(d.pop("audio_disabled", UNSET))

        def _parse_data_disabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        data_disabled = _parse_data_disabled(d.pop("data_disabled", UNSET))

        def _parse_duration(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration = _parse_duration(d.pop("duration", UNSET))

        reason = d.pop("reason", UNSET)

        def _parse_screen_share_disabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        screen_share_disabled = _parse_screen_share_disabled(d.pop("screen_share_disabled", UNSET))

        def _parse_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.datetime.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        until = _parse_until(d.pop("until", UNSET))

        def _parse_video_disabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        video_disabled = _parse_video_disabled(d.pop("video_disabled", UNSET))

        controls_update = cls(
            actor=actor,
            audio_disabled=audio_disabled,
            data_disabled=data_disabled,
            duration=duration,
            reason=reason,
            screen_share_disabled=screen_share_disabled,
            until=until,
            video_disabled=video_disabled,
        )

        return controls_update
