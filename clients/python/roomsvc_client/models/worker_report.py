from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.worker_report_state import WorkerReportState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_status import ModelStatus
    from ..models.track_status import TrackStatus
    from ..models.worker_models import WorkerModels


T = TypeVar("T", bound="WorkerReport")


@_attrs_define
class WorkerReport:
    """
    Attributes:
        agent_identity (str): 1-128 characters from A-Z a-z 0-9 . _ @ : + -
        job_id (str):
        room_sid (str):
        dropped (int | Unset):  Default: 0.
        model_status (ModelStatus | Unset):
        models (WorkerModels | Unset):
        state (WorkerReportState | Unset):  Default: WorkerReportState.RUNNING.
        tracks (list[TrackStatus] | Unset):
    """

    agent_identity: str
    job_id: str
    room_sid: str
    dropped: int | Unset = 0
    model_status: ModelStatus | Unset = UNSET
    models: WorkerModels | Unset = UNSET
    state: WorkerReportState | Unset = WorkerReportState.RUNNING
    tracks: list[TrackStatus] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        agent_identity = self.agent_identity

        job_id = self.job_id

        room_sid = self.room_sid

        dropped = self.dropped

        model_status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.model_status, Unset):
            model_status = self.model_status.to_dict()

        models: dict[str, Any] | Unset = UNSET
        if not isinstance(self.models, Unset):
            models = self.models.to_dict()

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        tracks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tracks, Unset):
            tracks = []
            for tracks_item_data in self.tracks:
                tracks_item = tracks_item_data.to_dict()
                tracks.append(tracks_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "agent_identity": agent_identity,
                "job_id": job_id,
                "room_sid": room_sid,
            }
        )
        if dropped is not UNSET:
            field_dict["dropped"] = dropped
        if model_status is not UNSET:
            field_dict["model_status"] = model_status
        if models is not UNSET:
            field_dict["models"] = models
        if state is not UNSET:
            field_dict["state"] = state
        if tracks is not UNSET:
            field_dict["tracks"] = tracks

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_status import ModelStatus  # noqa: PLC0415
        from ..models.track_status import TrackStatus  # noqa: PLC0415
        from ..models.worker_models import WorkerModels  # noqa: PLC0415

        d = dict(src_dict)
        agent_identity = d.pop("agent_identity")

        job_id = d.pop("job_id")

        room_sid = d.pop("room_sid")

        dropped = d.pop("dropped", UNSET)

        _model_status = d.pop("model_status", UNSET)
        model_status: ModelStatus | Unset
        if isinstance(_model_status, Unset):
            model_status = UNSET
        else:
            model_status = ModelStatus.from_dict(_model_status)

        _models = d.pop("models", UNSET)
        models: WorkerModels | Unset
        if isinstance(_models, Unset):
            models = UNSET
        else:
            models = WorkerModels.from_dict(_models)

        _state = d.pop("state", UNSET)
        state: WorkerReportState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = WorkerReportState(_state)

        _tracks = d.pop("tracks", UNSET)
        tracks: list[TrackStatus] | Unset = UNSET
        if _tracks is not UNSET:
            tracks = []
            for tracks_item_data in _tracks:
                tracks_item = TrackStatus.from_dict(tracks_item_data)

                tracks.append(tracks_item)

        worker_report = cls(
            agent_identity=agent_identity,
            job_id=job_id,
            room_sid=room_sid,
            dropped=dropped,
            model_status=model_status,
            models=models,
            state=state,
            tracks=tracks,
        )

        return worker_report
