from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.detection_model_ref import DetectionModelRef


T = TypeVar("T", bound="DetectionModels")


@_attrs_define
class DetectionModels:
    """
    Attributes:
        audio (DetectionModelRef | None):
        video (DetectionModelRef | None):
    """

    audio: DetectionModelRef | None
    video: DetectionModelRef | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.detection_model_ref import DetectionModelRef  # noqa: PLC0415

        audio: dict[str, Any] | None
        if isinstance(self.audio, DetectionModelRef):
            audio = self.audio.to_dict()
        else:
            audio = self.audio

        video: dict[str, Any] | None
        if isinstance(self.video, DetectionModelRef):
            video = self.video.to_dict()
        else:
            video = self.video

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "audio": audio,
                "video": video,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.detection_model_ref import DetectionModelRef  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_audio(data: object) -> DetectionModelRef | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                audio_type_0 = DetectionModelRef.from_dict(data)

                return audio_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DetectionModelRef | None, data)

        audio = _parse_audio(d.pop("audio"))

        def _parse_video(data: object) -> DetectionModelRef | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                video_type_0 = DetectionModelRef.from_dict(data)

                return video_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DetectionModelRef | None, data)

        video = _parse_video(d.pop("video"))

        detection_models = cls(
            audio=audio,
            video=video,
        )

        detection_models.additional_properties = d
        return detection_models

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
