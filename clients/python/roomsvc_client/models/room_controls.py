from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RoomControls")


@_attrs_define
class RoomControls:
    """
    Attributes:
        audio_disabled (bool):
        audio_disabled_until (datetime.datetime | None): when the control ends by itself; null: until switched off
        data_disabled (bool):
        data_disabled_until (datetime.datetime | None): when the control ends by itself; null: until switched off
        screen_share_disabled (bool):
        screen_share_disabled_until (datetime.datetime | None): when the control ends by itself; null: until switched
            off
        video_disabled (bool):
        video_disabled_until (datetime.datetime | None): when the control ends by itself; null: until switched off
    """

    audio_disabled: bool
    audio_disabled_until: datetime.datetime | None
    data_disabled: bool
    data_disabled_until: datetime.datetime | None
    screen_share_disabled: bool
    screen_share_disabled_until: datetime.datetime | None
    video_disabled: bool
    video_disabled_until: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        audio_disabled = self.audio_disabled

        audio_disabled_until: None | str
        if isinstance(self.audio_disabled_until, datetime.datetime):
            audio_disabled_until = self.audio_disabled_until.isoformat()
        else:
            audio_disabled_until = self.audio_disabled_until

        data_disabled = self.data_disabled

        data_disabled_until: None | str
        if isinstance(self.data_disabled_until, datetime.datetime):
            data_disabled_until = self.data_disabled_until.isoformat()
        else:
            data_disabled_until = self.data_disabled_until

        screen_share_disabled = self.screen_share_disabled

        screen_share_disabled_until: None | str
        if isinstance(self.screen_share_disabled_until, datetime.datetime):
            screen_share_disabled_until = self.screen_share_disabled_until.isoformat()
        else:
            screen_share_disabled_until = self.screen_share_disabled_until

        video_disabled = self.video_disabled

        video_disabled_until: None | str
        if isinstance(self.video_disabled_until, datetime.datetime):
            video_disabled_until = self.video_disabled_until.isoformat()
        else:
            video_disabled_until = self.video_disabled_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "audio_disabled": audio_disabled,
                "audio_disabled_until": audio_disabled_until,
                "data_disabled": data_disabled,
                "data_disabled_until": data_disabled_until,
                "screen_share_disabled": screen_share_disabled,
                "screen_share_disabled_until": screen_share_disabled_until,
                "video_disabled": video_disabled,
                "video_disabled_until": video_disabled_until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        audio_disabled = d.pop("audio_disabled")

        def _parse_audio_disabled_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                audio_disabled_until_type_0 = datetime.datetime.fromisoformat(data)

                return audio_disabled_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        audio_disabled_until = _parse_audio_disabled_until(d.pop("audio_disabled_until"))

        data_disabled = d.pop("data_disabled")

        def _parse_data_disabled_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                data_disabled_until_type_0 = datetime.datetime.fromisoformat(data)

                return data_disabled_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        data_disabled_until = _parse_data_disabled_until(d.pop("data_disabled_until"))

        screen_share_disabled = d.pop("screen_share_disabled")

        def _parse_screen_share_disabled_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                screen_share_disabled_until_type_0 = datetime.datetime.fromisoformat(data)

                return screen_share_disabled_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        screen_share_disabled_until = _parse_screen_share_disabled_until(d.pop("screen_share_disabled_until"))

        video_disabled = d.pop("video_disabled")

        def _parse_video_disabled_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                video_disabled_until_type_0 = datetime.datetime.fromisoformat(data)

                return video_disabled_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        video_disabled_until = _parse_video_disabled_until(d.pop("video_disabled_until"))

        room_controls = cls(
            audio_disabled=audio_disabled,
            audio_disabled_until=audio_disabled_until,
            data_disabled=data_disabled,
            data_disabled_until=data_disabled_until,
            screen_share_disabled=screen_share_disabled,
            screen_share_disabled_until=screen_share_disabled_until,
            video_disabled=video_disabled,
            video_disabled_until=video_disabled_until,
        )

        room_controls.additional_properties = d
        return room_controls

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
