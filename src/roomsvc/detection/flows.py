"""Detection actions that span domains: ingesting the worker's windows, and acting on an alert.

When a track enters ``alert`` the room's policy is applied first (``notify``; ``mute`` through
``moderation.mutes``, of every source of the track's kind, :data:`POLICY_MUTES`; ``kick`` through the
kick flow), as the system caller with no actor, then the data message and the event say what was done
(``alerts.py``). A ``mute``/``kick`` policy acts only on an alert from a model that passes the safety gate
(``gate.py``; otherwise ``action`` is ``refused: …`` and only the owner is told). Flows sit one layer above
the domain services.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.detection import alerts, gate, results
from roomsvc.detection.records import Detection, DetectionModel, DetectionTrack, RoomDetection
from roomsvc.detection.schemas import AlertOut, IngestResult, WindowBatch
from roomsvc.errors import AppError
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import flows as moderation_flows
from roomsvc.moderation import mutes, permissions
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction

log = structlog.get_logger("roomsvc.detection.alerts")
# What the ``mute`` policy takes, per kind of track in alert: every source that kind is scored on (the
# agent scores screen-share audio like the microphone, agent/session.py SCORED_SOURCES), so a suspect
# cannot go on with the same voice through the other audio source.
POLICY_MUTES = {"audio": ("microphone", "screen_share_audio"), "video": ("camera",)}


async def ingest(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    batch: WindowBatch,
    *,
    max_false_alarm: float,
) -> IngestResult:
    async def on_alert(
        run: RoomDetection, track: DetectionTrack, window: Detection, model: DetectionModel
    ) -> AlertOut:
        reason = f"forgery detection: {track.kind} score {window.smoothed_score:.2f} ({model.label})"
        act = RoomAction(room=room, session=session, livekit=gateway, caller=permissions.SYSTEM_CALLER)
        refused = None
        if run.policy in gate.ACTION_POLICIES:  # the safety gate again, where the action is taken
            refused = await gate.action_refusal(
                session, room.project_id, model, max_false_alarm=max_false_alarm
            )
        if refused is not None:
            log.warning("detection.policy_gated", room=room.name, policy=run.policy, model=model.label)
            action = f"refused: {refused}"[:256]
        else:
            action = await _apply_policy(act, run, track, reason)
        return await alerts.raise_alert(session, gateway, room, run, track, window, model, action=action)

    return await results.ingest(session, room, batch, on_alert=on_alert)


async def _apply_policy(act: RoomAction, run: RoomDetection, track: DetectionTrack, reason: str) -> str:
    """The room's policy, as the system caller with no actor; returns what was done (or why not)."""
    if run.policy == "notify":
        return "notified"
    try:
        async with act.session.begin_nested():  # a refused action leaves nothing half-written
            if run.policy == "mute":
                sources = list(POLICY_MUTES[track.kind])
                await mutes.mute(
                    act,
                    track.identity,
                    sources=sources,
                    duration_seconds=run.mute_seconds,
                    reason=reason,
                    actor=None,
                )
                return "muted"
            await moderation_flows.kick(
                act, track.identity, actor=None, reason=reason, ban_seconds=run.ban_seconds
            )
            return "kicked"
    except AppError as exc:
        outcome = "failed" if exc.status >= 500 else "refused"
        log.warning("detection.policy_not_applied", room=act.room.name, policy=run.policy, code=exc.code)
        return f"{outcome}: {exc.detail}"[:256]
