from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.participant_summary_state import ParticipantSummaryState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.track_summary import TrackSummary


T = TypeVar("T", bound="ParticipantSummary")


@_attrs_define
class ParticipantSummary:
    """
    Attributes:
        alerts (int):
        identity (str):
        max_score (float):
        state (ParticipantSummaryState):
        tracks (list[TrackSummary]):
        windows (int):
        tracks_truncated (bool | Unset):  Default: False.
    """

    alerts: int
    identity: str
    max_score: float
    state: ParticipantSummaryState
    tracks: list[TrackSummary]
    windows: int
    tracks_truncated: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        alerts = self.alerts

        identity = self.identity

        max_score = self.max_score

        state = self.state.value

        tracks = []
        for tracks_item_data in self.tracks:
            tracks_item = tracks_item_data.to_dict()
            tracks.append(tracks_item)

        windows = self.windows

        tracks_truncated = self.tracks_truncated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alerts": alerts,
                "identity": identity,
                "max_score": max_score,
                "state": state,
                "tracks": tracks,
                "windows": windows,
            }
        )
        if tracks_truncated is not UNSET:
            field_dict["tracks_truncated"] = tracks_truncated

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.track_summary import TrackSummary  # noqa: PLC0415

        d = dict(src_dict)
        alerts = d.pop("alerts")

        identity = d.pop("identity")

        max_score = d.pop("max_score")

        state = ParticipantSummaryState(d.pop("state"))

        tracks = []
        _tracks = d.pop("tracks")
        for tracks_item_data in _tracks:
            tracks_item = TrackSummary.from_dict(tracks_item_data)

            tracks.append(tracks_item)

        windows = d.pop("windows")

        tracks_truncated = d.pop("tracks_truncated", UNSET)

        participant_summary = cls(
            alerts=alerts,
            identity=identity,
            max_score=max_score,
            state=state,
            tracks=tracks,
            windows=windows,
            tracks_truncated=tracks_truncated,
        )

        participant_summary.additional_properties = d
        return participant_summary

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
