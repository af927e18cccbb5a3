from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_progress import FileProgress


T = TypeVar("T", bound="RecorderHeartbeat")


@_attrs_define
class RecorderHeartbeat:
    """
    Attributes:
        files (list[FileProgress] | Unset):
    """

    files: list[FileProgress] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        files: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = []
            for files_item_data in self.files:
                files_item = files_item_data.to_dict()
                files.append(files_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if files is not UNSET:
            field_dict["files"] = files

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.file_progress import FileProgress  # noqa: PLC0415

        d = dict(src_dict)
        _files = d.pop("files", UNSET)
        files: list[FileProgress] | Unset = UNSET
        if _files is not UNSET:
            files = []
            for files_item_data in _files:
                files_item = FileProgress.from_dict(files_item_data)

                files.append(files_item)

        recorder_heartbeat = cls(
            files=files,
        )

        return recorder_heartbeat
