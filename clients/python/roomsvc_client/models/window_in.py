from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.window_in_kind import WindowInKind
from ..models.window_in_state import WindowInState

T = TypeVar("T", bound="WindowIn")


@_attrs_define
class WindowIn:
    """One scored window. Checked on arrival (400 naming ``windows[i]``): ``window_end`` must be after
    ``window_start`` (JSON Schema cannot compare two fields), both with a time zone offset; ``model_id``
    must be a registered model of this ``kind``; a ``track_sid`` belongs to the room that first reported it.

        Attributes:
            identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
            kind (WindowInKind):
            model_id (int):
            participant_sid (str):
            score (float):
            smoothed_score (float):
            state (WindowInState):
            track_sid (str):
            window_end (datetime.datetime):
            window_start (datetime.datetime):
    """

    identity: str
    kind: WindowInKind
    model_id: int
    participant_sid: str
    score: float
    smoothed_score: float
    state: WindowInState
    track_sid: str
    window_end: datetime.datetime
    window_start: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        kind = self.kind.value

        model_id = self.model_id

        participant_sid = self.participant_sid

        score = self.score

        smoothed_score = self.smoothed_score

        state = self.state.value

        track_sid = self.track_sid

        window_end = self.window_end.isoformat()

        window_start = self.window_start.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity": identity,
                "kind": kind,
                "model_id": model_id,
                "participant_sid": participant_sid,
                "score": score,
                "smoothed_score": smoothed_score,
                "state": state,
                "track_sid": track_sid,
                "window_end": window_end,
                "window_start": window_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        kind = WindowInKind(d.pop("kind"))

        model_id = d.pop("model_id")

        participant_sid = d.pop("participant_sid")

        score = d.pop("score")

        smoothed_score = d.pop("smoothed_score")

        state = WindowInState(d.pop("state"))

        track_sid = d.pop("track_sid")

        window_end = datetime.datetime.fromisoformat(d.pop("window_end"))

        window_start = datetime.datetime.fromisoformat(d.pop("window_start"))

        window_in = cls(
            identity=identity,
            kind=kind,
            model_id=model_id,
            participant_sid=participant_sid,
            score=score,
            smoothed_score=smoothed_score,
            state=state,
            track_sid=track_sid,
            window_end=window_end,
            window_start=window_start,
        )

        return window_in
