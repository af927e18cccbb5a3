from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.file_opened_kind import FileOpenedKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="FileOpened")


@_attrs_define
class FileOpened:
    """
    Attributes:
        content_type (str):
        key (str): the recording's `key_prefix`, `/`, then `/`-separated segments of letters, digits and `._=-` (no
            `..`, not ending in `.part`)
        kind (FileOpenedKind):
        identity (None | str | Unset):
        track_sid (None | str | Unset):
    """

    content_type: str
    key: str
    kind: FileOpenedKind
    identity: None | str | Unset = UNSET
    track_sid: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        key = self.key

        kind = self.kind.value

        identity: None | str | Unset
        if isinstance(self.identity, Unset):
            identity = UNSET
        else:
            identity = self.identity

        track_sid: None | str | Unset
        if isinstance(self.track_sid, Unset):
            track_sid = UNSET
        else:
            track_sid = self.track_sid

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content_type": content_type,
                "key": key,
                "kind": kind,
            }
        )
        if identity is not UNSET:
            field_dict["identity"] = identity
        if track_sid is not UNSET:
            field_dict["track_sid"] = track_sid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        key = d.pop("key")

        kind = FileOpenedKind(d.pop("kind"))

        def _parse_identity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        identity = _parse_identity(d.pop("identity", UNSET))

        def _parse_track_sid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        track_sid = _parse_track_sid(d.pop("track_sid", UNSET))

        file_opened = cls(
            content_type=content_type,
            key=key,
            kind=kind,
            identity=identity,
            track_sid=track_sid,
        )

        return file_opened
