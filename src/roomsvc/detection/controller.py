"""Detection API: per-room start/stop/status, results, summary, the model registry, the worker's endpoints.

Scopes: ``detection`` to read and to start/stop; ``platform`` (the operator; never implied by ``admin``)
to register or change models. The worker's endpoints (``…/detection/config``, ``…/detection/report``,
``POST …/detections``) also require the caller to be the worker's own credential
(ROOMSVC_WORKER_CREDENTIAL_ID): no other caller can write a score.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.detection import flows, results
from roomsvc.detection import service as detection_service
from roomsvc.detection.mappers import model_out
from roomsvc.detection.schemas import (
    MAX_BATCH_BYTES,
    DetectionPage,
    DetectionStatus,
    DetectionSummary,
    IngestResult,
    Kind,
    ModelCreate,
    ModelList,
    ModelOut,
    ModelUpdate,
    State,
    WindowBatch,
    WorkerConfig,
    WorkerReport,
)
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms import service as room_service
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import DetectionSpec
from roomsvc.routes import DETECTION, IDEMPOTENT, PAGE, PLATFORM, PROJECT
from roomsvc.types import Page


async def provide_detection_query(
    identity: str | None = None,
    state_filter: Annotated[State | None, Parameter(query="state")] = None,
    kind: Kind | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> results.DetectionQuery:
    """The filters every detections listing takes."""
    return results.DetectionQuery(identity, state_filter, kind, since, until)


QUERY_DEPENDENCY = {"detection_query": Provide(provide_detection_query)} | PAGE


def worker_only(connection: ASGIConnection[Any, Caller, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the worker's endpoints; it runs before the room is loaded, so other callers learn nothing."""
    detection_service.require_worker(connection.user.credential_id, connection.app.state.settings.detection)


class RoomDetectionController(Controller):
    path = "/v1/rooms/{room:str}"
    tags = ["detection"]
    dependencies = ROOM_DEPENDENCIES | QUERY_DEPENDENCY

    @post(
        "/detection",
        opt=DETECTION,
        summary="Start detection in the room (dispatches the agent)",
        status_code=200,
    )
    async def start(
        self,
        open_room: Room,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
        data: DetectionSpec | None = None,
    ) -> DetectionStatus:
        await detection_service.enable(
            db_session,
            livekit,
            open_room,
            data or DetectionSpec(),
            agent_name=settings.detection.agent_name,
            max_false_alarm=settings.detection.max_action_false_alarm,
        )
        return await detection_service.status(db_session, open_room, settings.detection)

    @delete("/detection", opt=DETECTION, summary="Stop detection: the agent leaves the room", status_code=200)
    async def stop(
        self, locked_room: Room, db_session: AsyncSession, livekit: LiveKitGateway, settings: Settings
    ) -> DetectionStatus:
        agent_name = settings.detection.agent_name
        await detection_service.disable(db_session, livekit, locked_room, agent_name=agent_name)
        return await detection_service.status(db_session, locked_room, settings.detection)

    @get("/detection", opt=DETECTION, summary="Detection status: run state, tracks analysed, model versions")
    async def status(self, room_row: Room, db_session: AsyncSession, settings: Settings) -> DetectionStatus:
        return await detection_service.status(db_session, room_row, settings.detection)

    @get("/detection/summary", opt=DETECTION, summary="Per participant: state, max score, windows analysed")
    async def summary(self, room_row: Room, db_session: AsyncSession, page: Page) -> DetectionSummary:
        return await results.summary(db_session, room_row, page)

    @get("/detections", opt=DETECTION, summary="Scored windows of the room, newest first")
    async def list_room_detections(
        self, room_row: Room, db_session: AsyncSession, detection_query: results.DetectionQuery, page: Page
    ) -> DetectionPage:
        return await results.list_detections(db_session, room_row.project_id, room_row, detection_query, page)

    # --- the worker's endpoints ---------------------------------------------------------------------

    @get(
        "/detection/config",
        opt=DETECTION,
        guards=[worker_only],
        summary="Worker only: the room's policy and the active models",
    )
    async def worker_config(self, room_row: Room, db_session: AsyncSession) -> WorkerConfig:
        return await detection_service.worker_config(db_session, room_row)

    @post(
        "/detection/report",
        opt=DETECTION,
        guards=[worker_only],
        summary="Worker only: heartbeat with the tracks analysed",
        status_code=204,
    )
    async def report(self, data: WorkerReport, locked_room: Room, db_session: AsyncSession) -> None:
        await detection_service.record_report(db_session, locked_room, data)

    @post(
        "/detections",
        opt=DETECTION,
        guards=[worker_only],
        summary="Worker only: store scored windows (idempotent)",
        status_code=200,
        request_max_body_size=MAX_BATCH_BYTES,  # up to 500 windows; not ROOMSVC_MAX_BODY_BYTES
    )
    async def ingest(
        self,
        data: WindowBatch,
        locked_room: Room,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
    ) -> IngestResult:
        # The room row lock orders this room's alerts (and its moderation actions) one at a time.
        max_false_alarm = settings.detection.max_action_false_alarm
        return await flows.ingest(db_session, livekit, locked_room, data, max_false_alarm=max_false_alarm)


class DetectionController(Controller):
    path = "/v1"
    tags = ["detection"]
    dependencies = QUERY_DEPENDENCY | PROJECT

    @get("/detections", opt=DETECTION, summary="Scored windows across rooms, newest first")
    async def list_detections(
        self,
        db_session: AsyncSession,
        project_id: int,
        detection_query: results.DetectionQuery,
        page: Page,
        room: str | None = None,
    ) -> DetectionPage:
        row = await room_service.get_room(db_session, project_id, room) if room else None
        return await results.list_detections(db_session, project_id, row, detection_query, page)

    @get("/detection/models", opt=DETECTION, summary="The model registry")
    async def list_models(
        self,
        db_session: AsyncSession,
        settings: Settings,
        kind: Kind | None = None,
        active: bool | None = None,
    ) -> ModelList:
        max_false_alarm = settings.detection.max_action_false_alarm
        return await detection_service.list_models(
            db_session, kind=kind, active=active, max_false_alarm=max_false_alarm
        )

    @post(
        "/detection/models",
        opt=PLATFORM | IDEMPOTENT,
        summary="Register a model version (optionally make it active)",
    )
    async def create_model(
        self,
        data: ModelCreate,
        request: Request[Caller, Any, Any],
        db_session: AsyncSession,
        settings: Settings,
    ) -> Response[ModelOut]:
        model = await detection_service.create_model(db_session, data, caller_id=request.user.credential_id)
        return Response(model_out(model, settings.detection.max_action_false_alarm), status_code=201)

    @get("/detection/models/{model_id:int}", opt=DETECTION, summary="One model version")
    async def get_model(self, model_id: int, db_session: AsyncSession, settings: Settings) -> ModelOut:
        model = await detection_service.get_model(db_session, model_id)
        return model_out(model, settings.detection.max_action_false_alarm)

    @patch(
        "/detection/models/{model_id:int}",
        opt=PLATFORM,
        summary="Activate/deactivate, change thresholds or track-level alerting",
    )
    async def update_model(
        self, model_id: int, data: ModelUpdate, db_session: AsyncSession, settings: Settings
    ) -> ModelOut:
        model = await detection_service.update_model(db_session, model_id, data)
        return model_out(model, settings.detection.max_action_false_alarm)
