from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_ref import ModelRef


T = TypeVar("T", bound="WorkerModels")


@_attrs_define
class WorkerModels:
    """
    Attributes:
        audio (ModelRef | None | Unset):
        video (ModelRef | None | Unset):
    """

    audio: ModelRef | None | Unset = UNSET
    video: ModelRef | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_ref import ModelRef  # noqa: PLC0415

        audio: dict[str, Any] | None | Unset
        if isinstance(self.audio, Unset):
            audio = UNSET
        elif isinstance(self.audio, ModelRef):
            audio = self.audio.to_dict()
        else:
            audio = self.audio

        video: dict[str, Any] | None | Unset
        if isinstance(self.video, Unset):
            video = UNSET
        elif isinstance(self.video, ModelRef):
            video = self.video.to_dict()
        else:
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
        from ..models.model_ref import ModelRef  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_audio(data: object) -> ModelRef | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                audio_type_0 = ModelRef.from_dict(data)

                return audio_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelRef | None | Unset, data)

        audio = _parse_audio(d.pop("audio", UNSET))

        def _parse_video(data: object) -> ModelRef | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                video_type_0 = ModelRef.from_dict(data)

                return video_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelRef | None | Unset, data)

        video = _parse_video(d.pop("video", UNSET))

        worker_models = cls(
            audio=audio,
            video=video,
        )

        return worker_models
