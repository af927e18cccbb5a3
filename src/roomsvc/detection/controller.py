"""Detection API: per-room start/stop/status, results, summary, the model registry, the worker's endpoints.

Scopes: ``detection`` to read and to start/stop; ``admin`` to register or change models. The worker's
endpoints (``…/detection/config``, ``…/detection/report``, ``POST …/detections``) also require the caller
to be the worker's own credential (ROOMSVC_WORKER_CREDENTIAL_ID): no other caller can write a score.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.detection import results
from roomsvc.detection import service as detection_service
from roomsvc.detection.schemas import (
    DetectionPage,
    DetectionSpec,
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

DETECTION = {"scopes": ("detection",)}
ADMIN = {"scopes": ("admin",)}
PageLimit = Annotated[int, Parameter(ge=1, le=100, description="page size, 1-100")]


class RoomDetectionController(Controller):
    path = "/v1/rooms/{room:str}"
    tags = ["detection"]

    @post(
        "/detection",
        opt=DETECTION,
        summary="Start detection in the room (dispatches the agent)",
        status_code=200,
    )
    async def start(
        self,
        room: str,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
        data: DetectionSpec | None = None,
    ) -> DetectionStatus:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        await detection_service.enable(
            db_session, livekit, row, data or DetectionSpec(), agent_name=settings.detection.agent_name
        )
        return await detection_service.status(db_session, row, settings.detection)

    @delete("/detection", opt=DETECTION, summary="Stop detection: the agent leaves the room", status_code=200)
    async def stop(
        self, room: str, db_session: AsyncSession, livekit: LiveKitGateway, settings: Settings
    ) -> DetectionStatus:
        row = await room_service.get_room(db_session, room, for_update=True)
        await detection_service.disable(db_session, livekit, row, agent_name=settings.detection.agent_name)
        return await detection_service.status(db_session, row, settings.detection)

    @get("/detection", opt=DETECTION, summary="Detection status: run state, tracks analysed, model versions")
    async def status(self, room: str, db_session: AsyncSession, settings: Settings) -> DetectionStatus:
        row = await room_service.get_room(db_session, room)
        return await detection_service.status(db_session, row, settings.detection)

    @get("/detection/summary", opt=DETECTION, summary="Per participant: state, max score, windows analysed")
    async def summary(self, room: str, db_session: AsyncSession) -> DetectionSummary:
        return await results.summary(db_session, await room_service.get_room(db_session, room))

    @get("/detections", opt=DETECTION, summary="Scored windows of the room, newest first")
    async def list_room_detections(
        self,
        room: str,
        db_session: AsyncSession,
        identity: str | None = None,
        state_filter: Annotated[State | None, Parameter(query="state")] = None,
        kind: Kind | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        cursor: str | None = None,
        limit: PageLimit = 50,
    ) -> DetectionPage:
        row = await room_service.get_room(db_session, room)
        return await results.list_detections(
            db_session,
            room=row,
            identity=identity,
            state=state_filter,
            kind=kind,
            since=since,
            until=until,
            cursor=cursor,
            limit=limit,
        )

    # --- the worker's endpoints ---------------------------------------------------------------------

    @get("/detection/config", opt=DETECTION, summary="Worker only: the room's policy and the active models")
    async def worker_config(
        self, room: str, request: Request[Caller, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> WorkerConfig:
        detection_service.require_worker(request.user.credential_id, settings.detection)
        return await detection_service.worker_config(
            db_session, await room_service.get_room(db_session, room)
        )

    @post(
        "/detection/report",
        opt=DETECTION,
        summary="Worker only: heartbeat with the tracks analysed",
        status_code=204,
    )
    async def report(
        self,
        room: str,
        data: WorkerReport,
        request: Request[Caller, Any, Any],
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        detection_service.require_worker(request.user.credential_id, settings.detection)
        row = await room_service.get_room(db_session, room, for_update=True)
        await detection_service.record_report(db_session, row, data)

    @post(
        "/detections",
        opt=DETECTION,
        summary="Worker only: store scored windows (idempotent)",
        status_code=200,
    )
    async def ingest(
        self,
        room: str,
        data: WindowBatch,
        request: Request[Caller, Any, Any],
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
    ) -> IngestResult:
        detection_service.require_worker(request.user.credential_id, settings.detection)
        # The room row lock orders this room's alerts (and its moderation actions) one at a time.
        row = await room_service.get_room(db_session, room, for_update=True)
        return await results.ingest(db_session, livekit, row, data)


class DetectionController(Controller):
    path = "/v1"
    tags = ["detection"]

    @get("/detections", opt=DETECTION, summary="Scored windows across rooms, newest first")
    async def list_detections(
        self,
        db_session: AsyncSession,
        room: str | None = None,
        identity: str | None = None,
        state_filter: Annotated[State | None, Parameter(query="state")] = None,
        kind: Kind | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        cursor: str | None = None,
        limit: PageLimit = 50,
    ) -> DetectionPage:
        row = await room_service.get_room(db_session, room) if room else None
        return await results.list_detections(
            db_session,
            room=row,
            identity=identity,
            state=state_filter,
            kind=kind,
            since=since,
            until=until,
            cursor=cursor,
            limit=limit,
        )

    @get("/detection/models", opt=DETECTION, summary="The model registry")
    async def list_models(
        self, db_session: AsyncSession, kind: Kind | None = None, active: bool | None = None
    ) -> ModelList:
        return await detection_service.list_models(db_session, kind=kind, active=active)

    @post("/detection/models", opt=ADMIN, summary="Register a model version (optionally make it active)")
    async def create_model(
        self, data: ModelCreate, request: Request[Caller, Any, Any], db_session: AsyncSession
    ) -> Response[ModelOut]:
        model = await detection_service.create_model(db_session, data, caller_id=request.user.credential_id)
        return Response(detection_service.model_out(model), status_code=201)

    @get("/detection/models/{model_id:int}", opt=DETECTION, summary="One model version")
    async def get_model(self, model_id: int, db_session: AsyncSession) -> ModelOut:
        return detection_service.model_out(await detection_service.get_model(db_session, model_id))

    @patch("/detection/models/{model_id:int}", opt=ADMIN, summary="Activate/deactivate, change thresholds")
    async def update_model(self, model_id: int, data: ModelUpdate, db_session: AsyncSession) -> ModelOut:
        return detection_service.model_out(await detection_service.update_model(db_session, model_id, data))
