from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.track_published_data_kind import TrackPublishedDataKind
from ..models.track_published_data_source import TrackPublishedDataSource
from ..types import UNSET, Unset

T = TypeVar("T", bound="TrackPublishedData")


@_attrs_define
class TrackPublishedData:
    """
    Attributes:
        identity (str):
        kind (TrackPublishedDataKind):
        participant_sid (str):
        source (TrackPublishedDataSource):
        track_sid (str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    identity: str
    kind: TrackPublishedDataKind
    participant_sid: str
    source: TrackPublishedDataSource
    track_sid: str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        kind = self.kind.value

        participant_sid = self.participant_sid

        source = self.source.value

        track_sid = self.track_sid

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "identity": identity,
                "kind": kind,
                "participant_sid": participant_sid,
                "source": source,
                "track_sid": track_sid,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        kind = TrackPublishedDataKind(d.pop("kind"))

        participant_sid = d.pop("participant_sid")

        source = TrackPublishedDataSource(d.pop("source"))

        track_sid = d.pop("track_sid")

        request_id = d.pop("request_id", UNSET)

        track_published_data = cls(
            identity=identity,
            kind=kind,
            participant_sid=participant_sid,
            source=source,
            track_sid=track_sid,
            request_id=request_id,
        )

        track_published_data.additional_properties = d
        return track_published_data

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
