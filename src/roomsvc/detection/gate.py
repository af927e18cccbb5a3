"""The safety gate on automatic detection actions (issue 15; docs/detection.md, "Safety gate").

A ``mute`` or ``kick`` policy acts against a person on a model's word, so it is allowed only when every
active model has been *validated through the deployment path*: its card (or its registry row, written by
``roomsvc detection evaluate --write-card``) declares

- a window false-alarm rate at its alert threshold, measured on held-out genuine speakers after an Opus
  round trip and the worker's VAD gating, of at most ``ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM``, and
- a track-level false-alert rate per hour of genuine speech (the worker's own alerting run over whole
  recordings),

both measured at the thresholds and with the track-level alerting the registry uses now (changing either
voids the validation). ``notify`` always works.

It is checked where a policy is set (``POST /v1/rooms``' ``detection``, ``POST …/detection``: 409
``detection-actions-not-validated``) and again where actions are taken (``flows._apply_policy``: an alert
from a model that is not validated is reported with ``action: "refused: …"``, and nobody is muted or
kicked), so a policy set before a model change, or a row written around the API, cannot act.

An operator may override it per project (``roomsvc detection allow-unvalidated-actions --project P
--reason …``): every grant and revocation is a row of ``detection_gate_overrides`` (who, when, why), and the
project's latest row is its state.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.detection import registry
from roomsvc.detection.records import DetectionModel, GateOverride
from roomsvc.errors import BadRequest, Conflict

log = structlog.get_logger("roomsvc.detection.gate")
SETTING = "ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM"
ACTION_POLICIES = ("mute", "kick")
REFUSED_CODE = "detection-actions-not-validated"


def _json(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _card(model: DetectionModel) -> dict[str, Any] | None:
    """The shipped card of a builtin row whose file is still the card's (same sha256)."""
    return registry.builtin_card_data(model.uri, model.sha256) if model.builtin else None


def alerting(model: DetectionModel) -> registry.Alerting:
    """The model's track-level alerting: its row's, else its shipped card's, else the defaults."""
    section = _json(model.alerting)
    source = {"alerting": section} if section is not None else _card(model)
    try:
        return registry.alerting_of(source)
    except ValueError:
        return registry.DEFAULT_ALERTING


def validation(model: DetectionModel) -> registry.DeployedValidation | None:
    """What was validated through the deployment path: the row's record, else the shipped card's."""
    section = _json(model.validation)
    return registry.deployed_validation_of({"validation": section} if section is not None else _card(model))


def refusal(model: DetectionModel, max_false_alarm: float) -> str | None:
    """Why ``model`` may not drive automatic actions (None: it may)."""
    declared = validation(model)
    if declared is None:
        return (
            "its card declares no validated false-alarm rates (window false alarms at its alert threshold on "
            "held-out genuine speakers after Opus, and track-level false alerts per hour)"
        )
    return declared.refusal(
        alert_threshold=model.alert_threshold, alerting=alerting(model), max_false_alarm=max_false_alarm
    )


async def override(session: AsyncSession, project_id: int) -> GateOverride | None:
    """The project's operator override while it is granted (its latest decision), else None."""
    latest = (
        await session.execute(
            select(GateOverride)
            .where(GateOverride.project_id == project_id)
            .order_by(GateOverride.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return latest if latest is not None and latest.allowed else None


async def history(session: AsyncSession, project_id: int) -> list[GateOverride]:
    """Every grant and revocation of the project's override, oldest first (the audit trail)."""
    rows = await session.execute(
        select(GateOverride).where(GateOverride.project_id == project_id).order_by(GateOverride.id)
    )
    return list(rows.scalars())


async def set_override(
    session: AsyncSession, project_id: int, *, allowed: bool, reason: str, actor: str
) -> GateOverride:
    """Record an operator's grant (``allowed``) or revocation of the project's override."""
    reason = reason.strip()
    if not reason:
        raise BadRequest(
            "`reason` is required: say why the gate is overridden (it is audited)", field="reason"
        )
    if not actor.strip():
        raise BadRequest("`actor` is required: who decides (it is audited)", field="actor")
    row = GateOverride(project_id=project_id, allowed=allowed, reason=reason[:512], actor=actor.strip()[:128])
    session.add(row)
    await session.flush()
    log.warning(
        "detection.gate_override", project_id=project_id, allowed=allowed, actor=row.actor, reason=row.reason
    )
    return row


async def _active_models(session: AsyncSession) -> list[DetectionModel]:
    rows = await session.execute(
        select(DetectionModel).where(DetectionModel.active_kind.is_not(None)).order_by(DetectionModel.id)
    )
    return list(rows.scalars())


async def check_policy(
    session: AsyncSession, project_id: int, policy: str, *, max_false_alarm: float
) -> None:
    """Refuse (409) an automatic ``mute``/``kick`` policy unless every active model is validated or the
    project's operator override is granted; ``notify`` always passes."""
    if policy not in ACTION_POLICIES:
        return
    models = await _active_models(session)
    reasons = [f"the active model {m.label}: {why}" for m in models if (why := refusal(m, max_false_alarm))]
    if not models:
        reasons = ["no detection model is active"]
    if not reasons:
        return
    granted = await override(session, project_id)
    if granted is not None:
        log.warning("detection.gate_overridden", project_id=project_id, policy=policy, override_id=granted.id)
        return
    raise Conflict(
        f"The `{policy}` policy is refused by the detection safety gate: {'; '.join(reasons)}. Automatic "
        f"actions need a model whose validated window false-alarm rate at its alert threshold (held-out "
        f"genuine speakers after Opus) is at most {max_false_alarm:.2%} ({SETTING}) and that declares its "
        "track-level false alerts per hour of genuine speech. Use `notify`, validate the model with "
        "`roomsvc detection evaluate --write-card`, or have an operator run `roomsvc detection "
        "allow-unvalidated-actions` for this project (audited). See docs/detection.md.",
        code="detection-actions-not-validated",
        field="policy",
        setting=SETTING,
    )


async def action_refusal(
    session: AsyncSession, project_id: int, model: DetectionModel, *, max_false_alarm: float
) -> str | None:
    """At alert time (defence in depth): why the policy must not act on this model's alert, or None."""
    why = refusal(model, max_false_alarm)
    if why is None or await override(session, project_id) is not None:
        return None
    return f"model {model.label} is not validated for automatic actions ({SETTING}): {why}"
