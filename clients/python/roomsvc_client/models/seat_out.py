from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SeatOut")


@_attrs_define
class SeatOut:
    """
    Attributes:
        camera_locked (bool): whoever sits here cannot publish the camera
        identity (None | str):
        index (int):
        locked (bool):
        mic_locked (bool): whoever sits here cannot publish the microphone
    """

    camera_locked: bool
    identity: None | str
    index: int
    locked: bool
    mic_locked: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        camera_locked = self.camera_locked

        identity: None | str
        identity = self.identity

        index = self.index

        locked = self.locked

        mic_locked = self.mic_locked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "camera_locked": camera_locked,
                "identity": identity,
                "index": index,
                "locked": locked,
                "mic_locked": mic_locked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        camera_locked = d.pop("camera_locked")

        def _parse_identity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        identity = _parse_identity(d.pop("identity"))

        index = d.pop("index")

        locked = d.pop("locked")

        mic_locked = d.pop("mic_locked")

        seat_out = cls(
            camera_locked=camera_locked,
            identity=identity,
            index=index,
            locked=locked,
            mic_locked=mic_locked,
        )

        seat_out.additional_properties = d
        return seat_out

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
