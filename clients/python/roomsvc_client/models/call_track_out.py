from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CallTrackOut")


@_attrs_define
class CallTrackOut:
    """
    Attributes:
        identity (str):
        kind (str):
        participant_sid (str):
        published_at (datetime.datetime | None):
        sid (str):
        source (str):
        unpublished_at (datetime.datetime | None):
    """

    identity: str
    kind: str
    participant_sid: str
    published_at: datetime.datetime | None
    sid: str
    source: str
    unpublished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        kind = self.kind

        participant_sid = self.participant_sid

        published_at: None | str
        if isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        sid = self.sid

        source = self.source

        unpublished_at: None | str
        if isinstance(self.unpublished_at, datetime.datetime):
            unpublished_at = self.unpublished_at.isoformat()
        else:
            unpublished_at = self.unpublished_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "identity": identity,
                "kind": kind,
                "participant_sid": participant_sid,
                "published_at": published_at,
                "sid": sid,
                "source": source,
                "unpublished_at": unpublished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        kind = d.pop("kind")

        participant_sid = d.pop("participant_sid")

        def _parse_published_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)

                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        published_at = _parse_published_at(d.pop("published_at"))

        sid = d.pop("sid")

        source = d.pop("source")

        def _parse_unpublished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                unpublished_at_type_0 = datetime.datetime.fromisoformat(data)

                return unpublished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        unpublished_at = _parse_unpublished_at(d.pop("unpublished_at"))

        call_track_out = cls(
            identity=identity,
            kind=kind,
            participant_sid=participant_sid,
            published_at=published_at,
            sid=sid,
            source=source,
            unpublished_at=unpublished_at,
        )

        call_track_out.additional_properties = d
        return call_track_out

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
