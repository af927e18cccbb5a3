from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.track_summary_kind import TrackSummaryKind
from ..models.track_summary_state import TrackSummaryState

if TYPE_CHECKING:
    from ..models.model_ref import ModelRef


T = TypeVar("T", bound="TrackSummary")


@_attrs_define
class TrackSummary:
    """
    Attributes:
        alerts (int):
        kind (TrackSummaryKind):
        last_score (float):
        max_score (float):
        model (ModelRef):
        participant_sid (str):
        state (TrackSummaryState):
        track_sid (str):
        updated_at (datetime.datetime):
        windows (int):
    """

    alerts: int
    kind: TrackSummaryKind
    last_score: float
    max_score: float
    model: ModelRef
    participant_sid: str
    state: TrackSummaryState
    track_sid: str
    updated_at: datetime.datetime
    windows: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        alerts = self.alerts

        kind = self.kind.value

        last_score = self.last_score

        max_score = self.max_score

        model = self.model.to_dict()

        participant_sid = self.participant_sid

        state = self.state.value

        track_sid = self.track_sid

        updated_at = self.updated_at.isoformat()

        windows = self.windows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alerts": alerts,
                "kind": kind,
                "last_score": last_score,
                "max_score": max_score,
                "model": model,
                "participant_sid": participant_sid,
                "state": state,
                "track_sid": track_sid,
                "updated_at": updated_at,
                "windows": windows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_ref import ModelRef  # noqa: PLC0415

        d = dict(src_dict)
        alerts = d.pop("alerts")

        kind = TrackSummaryKind(d.pop("kind"))

        last_score = d.pop("last_score")

        max_score = d.pop("max_score")

        model = ModelRef.from_dict(d.pop("model"))

        participant_sid = d.pop("participant_sid")

        state = TrackSummaryState(d.pop("state"))

        track_sid = d.pop("track_sid")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        windows = d.pop("windows")

        track_summary = cls(
            alerts=alerts,
            kind=kind,
            last_score=last_score,
            max_score=max_score,
            model=model,
            participant_sid=participant_sid,
            state=state,
            track_sid=track_sid,
            updated_at=updated_at,
            windows=windows,
        )

        track_summary.additional_properties = d
        return track_summary

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
