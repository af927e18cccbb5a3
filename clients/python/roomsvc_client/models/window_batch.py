from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.window_in import WindowIn


T = TypeVar("T", bound="WindowBatch")


@_attrs_define
class WindowBatch:
    """
    Attributes:
        job_id (str):
        room_sid (str):
        windows (list[WindowIn]): the whole body is at most 1048576 bytes (413), this route's own limit in place of
            ROOMSVC_MAX_BODY_BYTES: room for the most windows with every field at its longest
    """

    job_id: str
    room_sid: str
    windows: list[WindowIn]

    def to_dict(self) -> dict[str, Any]:
        job_id = self.job_id

        room_sid = self.room_sid

        windows = []
        for windows_item_data in self.windows:
            windows_item = windows_item_data.to_dict()
            windows.append(windows_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "job_id": job_id,
                "room_sid": room_sid,
                "windows": windows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.window_in import WindowIn  # noqa: PLC0415

        d = dict(src_dict)
        job_id = d.pop("job_id")

        room_sid = d.pop("room_sid")

        windows = []
        _windows = d.pop("windows")
        for windows_item_data in _windows:
            windows_item = WindowIn.from_dict(windows_item_data)

            windows.append(windows_item)

        window_batch = cls(
            job_id=job_id,
            room_sid=room_sid,
            windows=windows,
        )

        return window_batch
