from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.track_status_kind import TrackStatusKind
from ..models.track_status_state import TrackStatusState
from ..types import UNSET, Unset

T = TypeVar("T", bound="TrackStatus")


@_attrs_define
class TrackStatus:
    """
    Attributes:
        identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
        kind (TrackStatusKind):
        participant_sid (str):
        track_sid (str):
        dropped (int | Unset):  Default: 0.
        skipped (int | Unset):  Default: 0.
        source (str | Unset):  Default: ''.
        state (TrackStatusState | Unset):  Default: TrackStatusState.CLEAR.
        windows (int | Unset):  Default: 0.
    """

    identity: str
    kind: TrackStatusKind
    participant_sid: str
    track_sid: str
    dropped: int | Unset = 0
    skipped: int | Unset = 0
    source: str | Unset = ""
    state: TrackStatusState | Unset = TrackStatusState.CLEAR
    windows: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        kind = self.kind.value

        participant_sid = self.participant_sid

        track_sid = self.track_sid

        dropped = self.dropped

        skipped = self.skipped

        source = self.source

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        windows = self.windows

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity": identity,
                "kind": kind,
                "participant_sid": participant_sid,
                "track_sid": track_sid,
            }
        )
        if dropped is not UNSET:
            field_dict["dropped"] = dropped
        if skipped is not UNSET:
            field_dict["skipped"] = skipped
        if source is not UNSET:
            field_dict["source"] = source
        if state is not UNSET:
            field_dict["state"] = state
        if windows is not UNSET:
            field_dict["windows"] = windows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        kind = TrackStatusKind(d.pop("kind"))

        participant_sid = d.pop("participant_sid")

        track_sid = d.pop("track_sid")

        dropped = d.pop("dropped", UNSET)

        skipped = d.pop("skipped", UNSET)

        source = d.pop("source", UNSET)

        _state = d.pop("state", UNSET)
        state: TrackStatusState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = TrackStatusState(_state)

        windows = d.pop("windows", UNSET)

        track_status = cls(
            identity=identity,
            kind=kind,
            participant_sid=participant_sid,
            track_sid=track_sid,
            dropped=dropped,
            skipped=skipped,
            source=source,
            state=state,
            windows=windows,
        )

        return track_status
