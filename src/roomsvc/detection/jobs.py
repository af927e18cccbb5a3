"""Detection's background work, run by the jobs scheduler (``roomsvc.scheduler``) and at start-up.

Job bodies take a session; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.agents import service as agents_service
from roomsvc.config import DetectionSettings
from roomsvc.db import utcnow
from roomsvc.detection import registry
from roomsvc.detection import service as detection_service
from roomsvc.detection.records import Detection, DetectionModel, RoomDetection
from roomsvc.detection.schemas import ModelCreate, Thresholds
from roomsvc.errors import LiveKitUnavailable
from roomsvc.livekit import LiveKitGateway, LiveKitNotFound
from roomsvc.retention import cutoff, purge
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.detection")
BUILTIN_CREATOR = detection_service.BUILTIN_CREATOR


async def sync_builtin_models(session: AsyncSession) -> None:
    """Register the models shipped in the package; a fresh install gets the audio baseline active.

    Idempotent and safe from several processes at once (the unique name/version settles races; each
    card is its own savepoint). A shipped model is activated only when it is first registered and no
    other model of its kind is active, so an operator's choice survives restarts.
    """
    for card in registry.builtin_cards():
        try:
            async with session.begin_nested():
                found = (
                    await session.execute(
                        select(DetectionModel)
                        .where(DetectionModel.name == card.name, DetectionModel.version == card.version)
                        .with_for_update()
                    )
                ).scalar_one_or_none()
                if found is not None:
                    if found.builtin and found.sha256 != card.sha256:
                        log.warning("detection.builtin_changed", model=found.label, sha256=card.sha256[:12])
                        found.sha256 = card.sha256
                        found.suspicious_threshold, found.alert_threshold = card.suspicious, card.alert
                        found.window_samples = card.window_samples
                        found.description = card.description
                    continue
                shipped = ModelCreate(
                    name=card.name,
                    version=card.version,
                    kind=card.kind,  # type: ignore[arg-type]
                    sha256=card.sha256,
                    uri=card.uri,
                    thresholds=Thresholds(suspicious=card.suspicious, alert=card.alert),
                    window_samples=card.window_samples,
                    description=card.description,
                )
                model = detection_service.new_model(shipped, created_by=BUILTIN_CREATOR, builtin=True)
                session.add(model)
                await session.flush()
                if card.kind not in await detection_service.active_models(session):
                    await detection_service.activate(session, model)
                log.info("detection.builtin_registered", model=model.label, active=model.active)
        except IntegrityError:
            log.info("detection.builtin_registered_elsewhere", model=f"{card.name}@{card.version}")


async def redispatch_due(
    session: AsyncSession,
    gateway: LiveKitGateway,
    settings: DetectionSettings,
    *,
    limit: int = 20,
) -> int:
    """Re-dispatch the agent to flagged rooms whose agent LiveKit no longer lists. Returns rooms handled."""
    now = utcnow()
    handled = 0
    rows = (
        await session.execute(
            select(RoomDetection, Room)
            .join(Room, Room.id == RoomDetection.room_id)
            .where(RoomDetection.redispatch_at.is_not(None), RoomDetection.redispatch_at <= now)
            .order_by(RoomDetection.redispatch_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=RoomDetection)
        )
    ).all()
    for run, room in rows:
        handled += 1
        if not run.enabled or not room.is_open:
            run.redispatch_at = None
            continue
        grace = dt.timedelta(seconds=settings.redispatch_grace)
        if run.dispatched_at is not None and now - run.dispatched_at < grace:
            run.redispatch_at = run.dispatched_at + grace  # the last dispatch may still be joining
            continue
        try:
            await _redispatch(session, gateway, run, room, settings.agent_name)
        except LiveKitNotFound:
            run.redispatch_at = None  # LiveKit has no such room any more
        except LiveKitUnavailable:
            run.redispatch_at = now + dt.timedelta(seconds=5)
    return handled


async def _redispatch(
    session: AsyncSession, gateway: LiveKitGateway, run: RoomDetection, room: Room, agent_name: str
) -> None:
    prefix = detection_service.agent_identity_prefix(agent_name)
    present = [
        p.identity
        for p in await gateway.list_participants(room.livekit_name)
        if p.kind == "agent" and p.identity.startswith(prefix)
    ]
    run.redispatch_at = None
    if present:
        return
    # The dispatches LiveKit still holds belong to agents that are gone: replace them with a new one.
    row = await agents_service.redispatch_owned(
        session, gateway, room, agent_name, owner="detection", created_by=BUILTIN_CREATOR
    )
    run.dispatch_id = row.livekit_dispatch_id
    run.dispatched_at = row.dispatched_at
    run.status = "dispatched"
    log.info("detection.redispatched", room=room.name, dispatch_id=run.dispatch_id)


async def purge_windows(session: AsyncSession, *, days: int, batch: int) -> int:
    """Retention: delete up to ``batch`` scored windows stored more than ``days`` days ago. Each track's
    state and figures (``detection_tracks``, the summary) stay."""
    before = cutoff(days)
    if before is None:
        return 0
    return await purge(session, Detection, Detection.created_at, before, batch=batch)
