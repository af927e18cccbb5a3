"""``roomsvc detection evaluate|allow-unvalidated-actions|gate``: the operator's side of the safety gate.

- ``evaluate MODEL DIR``: scores a registered model (id or ``name@version``) on ``DIR/genuine`` and
  ``DIR/synthetic`` through the deployment path (``detection/evaluation.py``) and prints EER, false alarms
  at the model's thresholds with speaker-bootstrap CIs, and the track-level false alerts per hour.
  ``--write-card`` records those rates, who validated, on what data and when, on the registry row (and in
  the shipped card file for a builtin model), which is what the safety gate reads.
- ``allow-unvalidated-actions --project P --reason …`` (``--revoke`` to take it back): the per-project
  operator override of the gate, recorded in ``detection_gate_overrides`` with who, when and why.
- ``gate --project P``: that project's override history.

These act on MySQL directly (an operator on a host with the database credentials), like ``roomsvc
credentials``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.config import Settings

T = TypeVar("T")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "detection", help="validate detection models; the safety gate on automatic actions"
    )
    commands = parser.add_subparsers(dest="detection_command", required=True)
    evaluate = commands.add_parser(
        "evaluate", help="score a registered model on labelled audio through the Opus + VAD deployment path"
    )
    evaluate.add_argument("model", help="the model's id or name@version (GET /v1/detection/models)")
    evaluate.add_argument(
        "directory", type=Path, help="holds genuine/ and synthetic/ (optionally per-speaker dirs)"
    )
    evaluate.add_argument(
        "--bitrates",
        default="12000,16000,24000,32000",
        help="Opus bitrates in bit/s, comma-separated (default: 12000,16000,24000,32000)",
    )
    evaluate.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples (default 1000)")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--json", action="store_true", help="print the card's validation section as JSON")
    evaluate.add_argument(
        "--write-card",
        action="store_true",
        help="record the validated rates in the registry (and builtin card)",
    )
    evaluate.add_argument("--validated-by", default=None, help="who validates (default: the OS user)")
    evaluate.add_argument("--description", default="", help="what the data is (recorded with the rates)")
    allow = commands.add_parser(
        "allow-unvalidated-actions",
        help="operator override: let a project use mute/kick with a model the gate refuses (audited)",
    )
    allow.add_argument("--project", required=True, help="project id (e.g. default)")
    allow.add_argument("--reason", required=True, help="why (recorded in the audit trail)")
    allow.add_argument("--actor", default=None, help="who decides (default: the OS user)")
    allow.add_argument("--revoke", action="store_true", help="take the override back")
    show = commands.add_parser("gate", help="a project's override history (who, when, why)")
    show.add_argument("--project", required=True)
    return parser


async def _with_session(settings: Settings, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from roomsvc.db import create_engine, create_session_factory

    engine = create_engine(settings.database)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await action(session)
    finally:
        await engine.dispose()


def _user(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (containers without /etc/passwd entries)
        return "operator"


def run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from roomsvc.errors import AppError

    try:
        if args.detection_command == "evaluate":
            return _evaluate(args, settings)
        return asyncio.run(_gate(args, settings))
    except AppError as exc:
        print(f"error: {exc.code}: {exc.detail}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _evaluate(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from roomsvc.detection import calibration, evaluation, gate, registry
    from roomsvc.detection import service as detection_service

    bitrates = [int(b) for b in str(args.bitrates).split(",") if b.strip()]

    async def load() -> tuple[Any, registry.Alerting]:
        async def read(session: AsyncSession) -> tuple[Any, registry.Alerting]:
            row = await detection_service.find_model(session, args.model)
            return row, gate.alerting(row)

        return await _with_session(settings, read)

    row, alerting = asyncio.run(load())
    if row.kind != "audio":
        print(f"error: {row.label} is a {row.kind} model; evaluate scores audio models", file=sys.stderr)
        return 1
    try:
        model = calibration.load_model(
            row.uri,
            row.sha256,
            suspicious=row.suspicious_threshold,
            alert=row.alert_threshold,
            window_samples=row.window_samples or 64_000,
            alerting=alerting,
            name=row.name,
            version=row.version,
        )
    except registry.ModelUnavailable as exc:
        print(f"error: {row.label} unavailable: {exc}", file=sys.stderr)
        return 1
    report = evaluation.evaluate(
        model,
        args.directory,
        bitrates=bitrates,
        path=calibration.PathSettings.of(settings.detection),
        bootstrap=args.bootstrap,
        seed=args.seed,
        progress=lambda name: print(f"  scored {name}", file=sys.stderr),
    )
    section = report.validation_section(validated_by=_user(args.validated_by), description=args.description)
    print(json.dumps(section, indent=2) if args.json else evaluation.render(report))
    if args.write_card:
        asyncio.run(_write_card(settings, row.id, section))
    return 0


async def _write_card(settings: Settings, model_id: int, section: dict[str, Any]) -> None:
    from roomsvc.detection import gate, registry
    from roomsvc.detection import service as detection_service

    async def write(session: AsyncSession) -> None:
        row = await detection_service.get_model(session, model_id, for_update=True)
        await detection_service.record_validation(session, row, section, alerting=section.get("alerting"))
        path = registry.card_path(row.uri, row.sha256) if row.builtin else None
        if path is not None:  # the shipped card carries it too (the registry row is what the gate reads)
            card = json.loads(path.read_text())
            card["validation"] = section
            path.write_text(json.dumps(card, indent=2) + "\n")
        why = gate.refusal(row, settings.detection.max_action_false_alarm)
        print(f"recorded the validation of {row.label} in the registry" + (f" and {path}" if path else ""))
        print("safety gate: " + ("mute/kick allowed" if why is None else f"mute/kick refused: {why}"))

    await _with_session(settings, write)


async def _gate(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc.credentials import service as credentials_service
    from roomsvc.detection import gate

    async def act(session: AsyncSession) -> int:
        project = await credentials_service.require_project(session, args.project)
        if args.detection_command == "allow-unvalidated-actions":
            await gate.set_override(
                session, project.id, allowed=not args.revoke, reason=args.reason, actor=_user(args.actor)
            )
        for row in await gate.history(session, project.id):
            state = "allowed" if row.allowed else "revoked"
            print(f"{row.created_at.isoformat()}\t{state}\t{row.actor}\t{row.reason}")
        current = await gate.override(session, project.id)
        print(
            f"project {args.project}: unvalidated mute/kick {'ALLOWED' if current else 'refused'} by the gate"
        )
        return 0

    return await _with_session(settings, act)
