"""Detection behaviour on the API side: the model registry, and each room's detection run — dispatch,
stop, status, the worker's configuration and its status reports, and re-dispatch when the agent is gone.

Results and alerts live in ``results.py`` and ``alerts.py``. The worker never touches MySQL: it calls
the API with its own caller credential, so everything it writes goes through these services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.agents import service as agents_service
from roomsvc.config import DetectionSettings
from roomsvc.db import utcnow
from roomsvc.detection import gate, registry
from roomsvc.detection.mappers import alerting_spec, model_out
from roomsvc.detection.records import DetectionModel, RoomDetection
from roomsvc.detection.schemas import (
    AlertingSpec,
    DetectionStatus,
    ModelCreate,
    ModelList,
    ModelRef,
    ModelStatus,
    ModelUpdate,
    Thresholds,
    WorkerConfig,
    WorkerModel,
    WorkerModels,
    WorkerReport,
)
from roomsvc.errors import BadRequest, Conflict, Forbidden, NotFound
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import DetectionSpec
from roomsvc.types import to_struct

log = structlog.get_logger("roomsvc.detection")
_encoder = msgspec.json.Encoder()
_report_decoder = msgspec.json.Decoder(WorkerReport)
BUILTIN_CREATOR = "roomsvc"


# --- model registry ------------------------------------------------------------------------------------


def model_ref(model: DetectionModel) -> ModelRef:
    return ModelRef(id=model.id, name=model.name, version=model.version)


async def list_models(
    session: AsyncSession, *, kind: str | None = None, active: bool | None = None, max_false_alarm: float
) -> ModelList:
    query = select(DetectionModel).order_by(DetectionModel.id)
    if kind:
        query = query.where(DetectionModel.kind == kind)
    if active is not None:
        query = query.where(
            DetectionModel.active_kind.is_not(None) if active else DetectionModel.active_kind.is_(None)
        )
    rows = (await session.execute(query)).scalars()
    return ModelList(items=[model_out(m, max_false_alarm) for m in rows])


async def get_model(session: AsyncSession, model_id: int, *, for_update: bool = False) -> DetectionModel:
    query = select(DetectionModel).where(DetectionModel.id == model_id)
    if for_update:
        query = query.with_for_update()
    model = (await session.execute(query)).scalar_one_or_none()
    if model is None:
        raise NotFound(f"No detection model with id {model_id}.", code="model-not-found")
    return model


async def active_models(session: AsyncSession) -> dict[str, DetectionModel]:
    rows = (
        await session.execute(select(DetectionModel).where(DetectionModel.active_kind.is_not(None)))
    ).scalars()
    return {m.kind: m for m in rows}


async def activate(session: AsyncSession, model: DetectionModel) -> None:
    """Make ``model`` the active one of its kind (the unique ``active_kind`` allows one per kind)."""
    await session.execute(
        update(DetectionModel)
        .where(DetectionModel.active_kind == model.kind, DetectionModel.id != model.id)
        .values(active_kind=None, updated_at=utcnow())
    )
    model.active_kind = model.kind
    await session.flush()


def _alerting_json(spec: AlertingSpec | None) -> str | None:
    """The row's ``alerting`` (None: the card's or the defaults); 400 naming the key the worker cannot do."""
    if spec is None:
        return None
    section = msgspec.to_builtins(spec)
    try:
        registry.alerting_of({"alerting": section})
    except ValueError as exc:
        raise BadRequest(str(exc), field="alerting") from None
    return _encoder.encode(section).decode()


async def record_validation(
    session: AsyncSession, model: DetectionModel, section: dict[str, Any], *, alerting: dict[str, Any] | None
) -> DetectionModel:
    """Store what ``roomsvc detection evaluate --write-card`` measured (the card's ``validation``
    section: rates, who, on what data, when) and the alerting it was measured with, on the registry row."""
    if registry.deployed_validation_of({"validation": section}) is None:
        raise BadRequest("the validation section cannot be read back", field="validation")
    model.validation = _encoder.encode(section).decode()
    if alerting is not None:
        model.alerting = _encoder.encode(alerting).decode()
    model.updated_at = utcnow()
    await session.flush()
    log.info("detection.model_validated", model=model.label, validated_by=section.get("validated_by"))
    return model


async def find_model(session: AsyncSession, ref: str) -> DetectionModel:
    """A model by id or ``name@version`` (the CLI's way of naming one)."""
    if ref.isdigit():
        return await get_model(session, int(ref))
    name, _, version = ref.partition("@")
    row = (
        await session.execute(
            select(DetectionModel).where(DetectionModel.name == name, DetectionModel.version == version)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No detection model {ref!r} (give an id or name@version).", code="model-not-found")
    return row


def _check_thresholds(thresholds: Thresholds) -> None:
    if thresholds.suspicious > thresholds.alert:
        raise BadRequest("`thresholds.suspicious` must not exceed `thresholds.alert`", field="thresholds")


async def create_model(session: AsyncSession, data: ModelCreate, *, caller_id: str) -> DetectionModel:
    try:
        registry.validate_uri(data.uri)
    except registry.ModelUnavailable as exc:
        raise BadRequest(f"`uri`: {exc}", field="uri") from None
    _check_thresholds(data.thresholds)
    if data.kind == "audio" and data.input_size is not None:
        raise BadRequest("`input_size` applies to video models only", field="input_size")
    if data.kind == "video" and data.window_samples is not None:
        raise BadRequest("`window_samples` applies to audio models only", field="window_samples")
    existing = (
        await session.execute(
            select(DetectionModel.id).where(
                DetectionModel.name == data.name, DetectionModel.version == data.version
            )
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"Model {data.name}@{data.version} is already registered; register a new version instead.",
            code="model-exists",
        )
    model = new_model(data, created_by=caller_id)
    model.alerting = _alerting_json(data.alerting)
    session.add(model)
    await session.flush()
    if data.active:
        await activate(session, model)
    log.info("detection.model_registered", model=model.label, kind=model.kind, active=model.active)
    return model


def new_model(data: ModelCreate, *, created_by: str, builtin: bool = False) -> DetectionModel:
    """The registry row for a model (validated by the caller); audio models take 16 kHz windows."""
    audio = data.kind == "audio"
    return DetectionModel(
        name=data.name,
        version=data.version,
        kind=data.kind,
        sha256=data.sha256,
        uri=data.uri,
        suspicious_threshold=data.thresholds.suspicious,
        alert_threshold=data.thresholds.alert,
        sample_rate=registry.AUDIO_SAMPLE_RATE if audio else None,
        window_samples=(data.window_samples or 64_000) if audio else None,
        input_size=None if audio else (data.input_size or 224),
        builtin=builtin,
        description=data.description,
        created_by=created_by,
    )


async def update_model(session: AsyncSession, model_id: int, data: ModelUpdate) -> DetectionModel:
    model = await get_model(session, model_id, for_update=True)
    if data.thresholds is not msgspec.UNSET:
        _check_thresholds(data.thresholds)
        model.suspicious_threshold = data.thresholds.suspicious
        model.alert_threshold = data.thresholds.alert
    if data.description is not msgspec.UNSET:
        model.description = data.description
    if data.alerting is not msgspec.UNSET:
        model.alerting = _alerting_json(data.alerting)
    if data.active is not msgspec.UNSET:
        if data.active:
            await activate(session, model)
        else:
            model.active_kind = None
    model.updated_at = utcnow()
    await session.flush()
    log.info("detection.model_updated", model=model.label, active=model.active)
    return model


# --- room detection runs ---------------------------------------------------------------------------------


async def get_run(session: AsyncSession, room: Room, *, for_update: bool = False) -> RoomDetection | None:
    query = select(RoomDetection).where(RoomDetection.room_id == room.id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


def agent_identity_prefix(agent_name: str) -> str:
    return agent_name + "-"


async def _ensure_dispatch(
    session: AsyncSession, gateway: LiveKitGateway, run: RoomDetection, room: Room, agent_name: str
) -> None:
    """One dispatch of our agent in the room, through the agents service (``agents/service.py``:
    CreateDispatch is not idempotent, so it lists first and adopts the dispatch LiveKit holds)."""
    row, created = await agents_service.ensure(
        session, gateway, room, agent_name, owner="detection", created_by=BUILTIN_CREATOR
    )
    run.dispatch_id = row.livekit_dispatch_id
    if created:
        run.dispatched_at = row.dispatched_at
        log.info("detection.dispatched", room=room.name, dispatch_id=run.dispatch_id, agent=agent_name)


async def enable(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    spec: DetectionSpec,
    *,
    agent_name: str,
    max_false_alarm: float,
) -> RoomDetection:
    """Turn detection on for ``room`` with ``spec`` and dispatch the agent (idempotent). A ``mute`` or
    ``kick`` policy passes the safety gate first (``gate.check_policy``: 409 unless validated)."""
    if not room.is_open:
        raise Conflict(f"Room {room.name!r} has ended.", code="room-ended")
    if spec.enabled:
        await gate.check_policy(session, room.project_id, spec.policy, max_false_alarm=max_false_alarm)
    run = await get_run(session, room, for_update=True)
    if run is None:
        run = RoomDetection(room_id=room.id, report="{}", dropped=0)
        session.add(run)
    was_running = run.enabled and run.status == "running"
    run.enabled = True
    run.policy = spec.policy
    run.mute_seconds = spec.mute_seconds
    run.ban_seconds = spec.ban_seconds
    run.status = "running" if was_running else "dispatched"
    run.stopped_at = None
    run.redispatch_at = None
    run.updated_at = utcnow()
    await session.flush()
    await _ensure_dispatch(session, gateway, run, room, agent_name)
    await session.flush()
    return run


async def check_spec(
    session: AsyncSession, project_id: int, spec: DetectionSpec | None, settings: DetectionSettings
) -> None:
    """The safety gate for a room created with ``detection`` (409 for an unvalidated ``mute``/``kick``)."""
    if spec is not None and spec.enabled:
        await gate.check_policy(
            session, project_id, spec.policy, max_false_alarm=settings.max_action_false_alarm
        )


def record_spec(session: AsyncSession, room: Room, spec: DetectionSpec) -> None:
    """Step 1 of a create with ``detection: {enabled: true, …}``: the run, written with the pending
    ``creating`` row (same commit), so whoever completes the create — the request, or reconciliation
    after a crash — finds it and dispatches the agent (:func:`on_room_created`). Nothing reads a run of a
    ``creating`` room: the room is invisible, and a failed create deletes it (the run goes with it)."""
    if spec.enabled:
        session.add(
            RoomDetection(
                room_id=room.id,
                enabled=True,
                policy=spec.policy,
                mute_seconds=spec.mute_seconds,
                ban_seconds=spec.ban_seconds,
                status="dispatched",
                report="{}",
                dropped=0,
            )
        )


async def on_room_created(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, *, settings: DetectionSettings
) -> RoomDetection | None:
    """Called by ``rooms.flows.complete_create``: dispatch the agent when the create recorded a run."""
    run = await get_run(session, room, for_update=True)
    if run is None or not run.enabled:
        return None
    await _ensure_dispatch(session, gateway, run, room, settings.agent_name)
    run.updated_at = utcnow()
    await session.flush()
    return run


async def disable(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, *, agent_name: str
) -> RoomDetection:
    """Stop detection: delete our dispatches and remove our agent from the room."""
    run = await get_run(session, room, for_update=True)
    if run is None:
        raise NotFound(f"Detection was never started in room {room.name!r}.", code="detection-not-found")
    run.enabled = False
    run.status = "stopped"
    run.stopped_at = run.stopped_at or utcnow()
    run.redispatch_at = None
    run.updated_at = utcnow()
    await agents_service.remove_owned(
        session,
        gateway,
        room,
        agent_name,
        owner="detection",
        identity_prefix=agent_identity_prefix(agent_name),
        reason="detection_stopped",
    )
    await session.flush()
    log.info("detection.stopped", room=room.name)
    return run


def _report(run: RoomDetection | None) -> WorkerReport | None:
    if run is None or not run.report or run.report == "{}":
        return None
    try:
        return _report_decoder.decode(run.report)
    except msgspec.DecodeError:
        return None


def effective_status(run: RoomDetection | None, settings: DetectionSettings) -> str:
    """``running`` only while the agent's heartbeat is fresh; a silent agent is back to ``dispatched``."""
    if run is None or not run.enabled:
        return "stopped"
    fresh = dt.timedelta(seconds=3 * settings.heartbeat)
    if run.status == "running" and run.heartbeat_at is not None and utcnow() - run.heartbeat_at <= fresh:
        return "running"
    return "dispatched"


async def status(session: AsyncSession, room: Room, settings: DetectionSettings) -> DetectionStatus:
    run = await get_run(session, room)
    report = _report(run)
    active = await active_models(session)
    running = effective_status(run, settings)
    no_video = "" if "video" in active else "no video model"
    return DetectionStatus(
        room=room.name,
        enabled=bool(run and run.enabled),
        status=running,  # type: ignore[arg-type]
        policy=run.policy if run else "notify",  # type: ignore[arg-type]
        mute_seconds=run.mute_seconds if run else None,
        ban_seconds=run.ban_seconds if run else None,
        agent_name=settings.agent_name,
        agent_identity=run.agent_identity if run else None,
        job_id=run.job_id if run else None,
        dispatch_id=run.dispatch_id if run else None,
        dispatched_at=run.dispatched_at if run else None,
        started_at=run.started_at if run else None,
        stopped_at=run.stopped_at if run else None,
        last_heartbeat_at=run.heartbeat_at if run else None,
        tracks=report.tracks if report and running == "running" else [],
        models=report.models if report else WorkerModels(),
        active_models=WorkerModels(
            audio=model_ref(active["audio"]) if "audio" in active else None,
            video=model_ref(active["video"]) if "video" in active else None,
        ),
        model_status=report.model_status if report else ModelStatus(video=no_video),
        dropped=run.dropped if run else 0,
    )


def _worker_model(model: DetectionModel | None) -> WorkerModel | None:
    if model is None:
        return None
    return to_struct(WorkerModel, model, alerting=alerting_spec(gate.alerting(model)))


def require_worker(caller_id: str, settings: DetectionSettings) -> None:
    """Results come from the detection worker alone: no other credential may write them."""
    if caller_id != settings.worker_credential_id:
        raise Forbidden(
            "Only the detection worker's credential (ROOMSVC_WORKER_CREDENTIAL_ID) may call this.",
            code="worker-only",
        )


async def worker_config(session: AsyncSession, room: Room) -> WorkerConfig:
    run = await get_run(session, room)
    active = await active_models(session)
    return WorkerConfig(
        room=room.name,
        enabled=bool(run and run.enabled and room.is_open),
        status=(run.status if run else "stopped"),  # type: ignore[arg-type]
        policy=(run.policy if run else "notify"),  # type: ignore[arg-type]
        audio_model=_worker_model(active.get("audio")),
        video_model=_worker_model(active.get("video")),
    )


async def record_report(session: AsyncSession, room: Room, report: WorkerReport) -> RoomDetection:
    """A worker's heartbeat or farewell. A stopped room answers 409, which tells the agent to leave."""
    run = await get_run(session, room, for_update=True)
    if run is None or not run.enabled or not room.is_open:
        raise Conflict(f"Detection is not enabled in room {room.name!r}.", code="detection-stopped")
    now = utcnow()
    if report.state == "ended":
        if run.job_id == report.job_id:
            run.status = "dispatched"
            run.heartbeat_at = None
            run.report = _encoder.encode(report).decode()
        return run
    if run.status != "running" or run.job_id != report.job_id:
        log.info("detection.agent_running", room=room.name, job_id=report.job_id, agent=report.agent_identity)
        await events.emit(
            session,
            EventType.DETECTION_STARTED,
            room=room.name,
            project_id=room.project_id,
            data={
                "room_sid": report.room_sid,
                "job_id": report.job_id,
                "agent_identity": report.agent_identity,
                "models": msgspec.to_builtins(report.models),
                "model_status": msgspec.to_builtins(report.model_status),
            },
        )
    run.status = "running"
    run.job_id = report.job_id
    run.agent_identity = report.agent_identity
    run.started_at = run.started_at or now
    run.heartbeat_at = now
    run.redispatch_at = None
    run.dropped = report.dropped
    run.report = _encoder.encode(report).decode()
    run.updated_at = now
    return run


# --- re-dispatch -----------------------------------------------------------------------------------------


async def runs_of(session: AsyncSession, room_ids: set[int]) -> dict[int, RoomDetection]:
    """The detection rows of ``room_ids`` (a room without one is absent), in one query: the webhook
    applier's batch reads them once for all the rooms its joins name."""
    if not room_ids:
        return {}
    query = select(RoomDetection).where(RoomDetection.room_id.in_(sorted(room_ids)))
    return {run.room_id: run for run in (await session.execute(query)).scalars()}


async def note_participant_joined(
    session: AsyncSession,
    room: Room,
    settings: DetectionSettings,
    *,
    loaded: dict[int, RoomDetection] | None = None,
) -> None:
    """A human joined (webhook path, room row locked): if our agent may be gone, flag the room.

    Only MySQL here; ``roomsvc jobs`` checks LiveKit and re-dispatches (see ``detection/jobs.py``).
    ``loaded``: the rows :func:`runs_of` read for a set of rooms including this one (no query then).
    """
    run = loaded.get(room.id) if loaded is not None else await get_run(session, room)
    if run is None or not run.enabled or not room.is_open:
        return
    if effective_status(run, settings) == "running":
        return
    if run.redispatch_at is None:
        run.redispatch_at = utcnow()
