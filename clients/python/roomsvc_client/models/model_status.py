from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelStatus")


@_attrs_define
class ModelStatus:
    """
    Attributes:
        audio (str | Unset):  Default: ''.
        video (str | Unset):  Default: ''.
    """

    audio: str | Unset = ""
    video: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        audio = self.audio

        video = self.video

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if audio is not UNSET:
            field_dict["audio"] = audio
        if video is not UNSET:
            field_dict["video"] = video

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        audio = d.pop("audio", UNSET)

        video = d.pop("video", UNSET)

        model_status = cls(
            audio=audio,
            video=video,
        )

        return model_status
