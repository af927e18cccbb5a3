"""The ``roomsvc`` command: serve, migrate, jobs, credentials, caller-token, rooms, doctor (and more as
features arrive)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from roomsvc.config import ConfigError, Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from roomsvc.credentials.models import CallerCredential

T = TypeVar("T")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's; see roomsvc.metrics


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from alembic import command

    from roomsvc.migrations import alembic_config

    command.upgrade(alembic_config(args.database_url or settings.database.url), args.revision)
    print(f"database at revision {args.revision}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import shutil
    import tempfile

    import uvicorn

    workers = args.workers or settings.workers
    created_dir = None
    if workers > 1 or os.environ.get(MULTIPROC_ENV):
        # Several worker processes: prometheus_client's multiprocess mode, so that /metrics (answered by
        # any one worker) reports all of them. Set before the workers start; they inherit it. This
        # process never imports roomsvc.metrics, so it leaves no files of its own there.
        if not os.environ.get(MULTIPROC_ENV):
            created_dir = os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="roomsvc-metrics-")
        directory = Path(os.environ[MULTIPROC_ENV])
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):  # a previous run's values must not be added to this one's
            stale.unlink()
    try:
        uvicorn.run(
            "roomsvc.app:create_app",
            factory=True,
            host=args.host or settings.host,
            port=args.port or settings.port,
            workers=workers,
            timeout_keep_alive=settings.keepalive_seconds,
            log_config=None,
            access_log=False,
            proxy_headers=True,
            server_header=False,
        )
    finally:
        if created_dir:
            shutil.rmtree(created_dir, ignore_errors=True)
    return 0


async def _with_session(settings: Settings, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from roomsvc.db import create_engine, create_session_factory

    engine = create_engine(settings.database)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await action(session)
    finally:
        await engine.dispose()


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc.jobs import run_jobs

    asyncio.run(run_jobs(settings, only=args.only))
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc.agent.worker import run_worker

    asyncio.run(run_worker(settings))
    return 0


def cmd_recorder(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc.agent.recorder import run_recorder

    asyncio.run(run_recorder(settings))
    return 0


def cmd_reconcile(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc.calls.jobs import completer
    from roomsvc.calls.reconcile import reconcile
    from roomsvc.db import create_engine, create_session_factory
    from roomsvc.events import service as events_service
    from roomsvc.livekit import LiveKitGateway
    from roomsvc.types import livekit_room_name

    events_service.set_strict_payloads(settings.is_dev)  # production logs and counts a wrong payload

    async def once() -> dict[str, int]:
        engine = create_engine(settings.database)
        gateway = LiveKitGateway(settings.livekit)
        try:
            names = [livekit_room_name(args.project, room) for room in args.room] if args.room else None
            report = await reconcile(
                create_session_factory(engine),
                gateway,
                grace=args.grace,
                rooms=names,
                complete_pending=completer(settings.detection),
            )
        finally:
            await gateway.aclose()
            await engine.dispose()
        return {"rooms_checked": report.rooms_checked, "rooms_deferred": report.deferred, **report.repairs}

    for key, value in asyncio.run(once()).items():
        print(f"{key}: {value}")
    return 0


def cmd_credentials(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc.credentials import service

    if args.credentials_command == "create":

        async def create(session: AsyncSession) -> tuple[CallerCredential, str]:
            return await service.create_credential(
                session,
                master_key=settings.secret_key,
                name=args.name,
                scopes=args.scopes.split(","),
                project=args.project,
            )

        credential, secret = asyncio.run(_with_session(settings, create))  # type: ignore[misc]
        print(f"id:      {credential.public_id}")
        print(f"secret:  {secret}")
        print(f"scopes:  {credential.scopes}")
        print(f"project: {args.project}")
        print("The secret is shown once; store it now.")
        return 0
    if args.credentials_command == "create-project":
        created = asyncio.run(
            _with_session(settings, lambda s: service.create_project(s, args.id, args.name or ""))
        )
        print(f"project {created.public_id} created")
        return 0
    if args.credentials_command == "list-projects":
        for each in asyncio.run(_with_session(settings, service.list_projects)):
            print(f"{each.public_id}\t{each.name}")
        return 0
    if args.credentials_command == "bootstrap-dev":
        if not settings.is_dev:
            print("bootstrap-dev only runs with ROOMSVC_ENV=dev", file=sys.stderr)
            return 2
        auth, detection = settings.caller_auth, settings.detection
        dev_id, worker_id = auth.dev_credential_id, detection.worker_credential_id
        _bootstrap(settings, dev_id, auth.dev_credential_secret, "dev", list(service.PROJECT_SCOPES))
        print(f"dev caller credential {dev_id} ready (every scope of project default)")
        # One worker credential serves every project, for the detector and the recorder agents.
        worker_scopes = ["detection", "recording", "platform"]
        _bootstrap(settings, worker_id, detection.worker_credential_secret, "detection worker", worker_scopes)
        print(f"worker caller credential {worker_id} ready (detection, recording, platform)")
        return 0
    if args.credentials_command == "list":
        rows = asyncio.run(_with_session(settings, service.list_credentials))
        for row, project in rows:
            state = "revoked" if row.revoked_at else "active"
            print(f"{row.public_id}\t{project}\t{row.name}\t{row.scopes}\t{state}")
        return 0
    if args.credentials_command == "revoke":
        asyncio.run(_with_session(settings, lambda s: service.revoke_credential(s, args.id)))
        print(f"revoked {args.id}")
        return 0
    return 2


def _bootstrap(settings: Settings, public_id: str, secret: str, name: str, scopes: list[str]) -> None:
    """Create or update a dev credential with a fixed id and secret (idempotent)."""
    from roomsvc.credentials import service

    async def upsert(session: AsyncSession) -> CallerCredential:
        return await service.upsert_credential(
            session,
            master_key=settings.secret_key,
            public_id=public_id,
            secret=secret,
            name=name,
            scopes=scopes,
        )

    asyncio.run(_with_session(settings, upsert))


def cmd_caller_token(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc.auth import mint_caller_token
    from roomsvc.credentials.service import PROJECT_SCOPES

    auth = settings.caller_auth
    scopes = args.scope or list(PROJECT_SCOPES)
    ttl = min(args.ttl, auth.max_ttl)
    print(
        mint_caller_token(
            credential_id=args.credential_id or auth.dev_credential_id,
            secret=args.secret or auth.dev_credential_secret,
            audience=auth.audience,
            scopes=scopes,
            ttl=ttl,
        )
    )
    return 0


def cmd_console_token(args: argparse.Namespace, settings: Settings) -> int:
    """Print a short-lived caller token for the operator console (/console), signed with the project's
    console credential (created on first use; its secret stays sealed in MySQL, never printed)."""
    from roomsvc.auth import OPERATOR_PATTERN, mint_caller_token
    from roomsvc.credentials import service
    from roomsvc.errors import NotFound

    if not OPERATOR_PATTERN.fullmatch(args.operator):
        print("--operator: 1-128 characters from A-Z a-z 0-9 . _ @ : + -", file=sys.stderr)
        return 2
    scopes = args.scope or list(service.PROJECT_SCOPES)
    unknown = sorted(set(scopes) - set(service.PROJECT_SCOPES))
    if unknown:
        print(f"--scope: not a project scope: {', '.join(unknown)}", file=sys.stderr)
        return 2

    async def credential(session: AsyncSession) -> tuple[CallerCredential, str]:
        return await service.console_credential(
            session, master_key=settings.secret_key, project=args.project, reset=args.reset
        )

    try:
        row, secret = asyncio.run(_with_session(settings, credential))  # type: ignore[misc]
    except NotFound:
        print(f"--project: no project {args.project!r} (roomsvc credentials list-projects)", file=sys.stderr)
        return 2
    except service.ConsoleCredentialRevoked as exc:
        print(
            f"{exc} (this project's console credential) is revoked; `roomsvc console-token --reset` "
            "issues a new secret",
            file=sys.stderr,
        )
        return 2
    auth = settings.caller_auth
    print(
        mint_caller_token(
            credential_id=row.public_id,
            secret=secret,
            audience=auth.audience,
            scopes=scopes,
            ttl=max(60, min(args.ttl, auth.max_ttl)),
            operator=args.operator,
        )
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roomsvc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API (uvicorn)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(handler=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply Alembic migrations (default: upgrade to every head)")
    migrate.add_argument("revision", nargs="?", default="heads")
    migrate.add_argument("--database-url", help="override DATABASE_URL")
    migrate.set_defaults(handler=cmd_migrate)

    jobs = sub.add_parser(
        "jobs", help="run background jobs: webhook appliers, event delivery, reconciliation"
    )
    jobs.add_argument(
        "--only",
        metavar="NAME",
        help="run only the jobs whose name starts with NAME (e.g. webhook-applier: the appliers alone)",
    )
    jobs.set_defaults(handler=cmd_jobs)

    worker = sub.add_parser(
        "worker", help="run the forgery-detection agent worker (livekit-agents; explicit dispatch)"
    )
    worker.set_defaults(handler=cmd_worker)

    recorder = sub.add_parser(
        "recorder", help="run the recorder agent (livekit-agents; records rooms it is dispatched to)"
    )
    recorder.set_defaults(handler=cmd_recorder)

    reconcile = sub.add_parser("reconcile", help="reconcile records with LiveKit once, now")
    reconcile.add_argument("--room", action="append", help="only this room; repeat for several")
    reconcile.add_argument("--project", default="default", help="the project of the --room names")
    reconcile.add_argument("--grace", type=float, default=0.0, help="skip records younger than this (s)")
    reconcile.set_defaults(handler=cmd_reconcile)

    credentials = sub.add_parser("credentials", help="manage caller credentials")
    creds = credentials.add_subparsers(dest="credentials_command", required=True)
    create = creds.add_parser("create", help="create a credential; prints its id and secret once")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", required=True, help="comma-separated, e.g. rooms:read,rooms:write")
    create.add_argument("--project", default="default", help="the project it belongs to (default: default)")
    new_project = creds.add_parser("create-project", help="create a project (a tenant)")
    new_project.add_argument("id", help="lowercase letters, digits and -, at most 32 (e.g. acme)")
    new_project.add_argument("--name", help="a display name")
    creds.add_parser("list-projects", help="list projects")
    creds.add_parser("list", help="list credentials (never their secrets)")
    revoke = creds.add_parser("revoke", help="revoke a credential")
    revoke.add_argument("id")
    creds.add_parser(
        "bootstrap-dev", help="create or reset the dev credential from the environment (dev only)"
    )
    credentials.set_defaults(handler=cmd_credentials)

    token = sub.add_parser("caller-token", help="print a caller JWT (the dev credential by default)")
    token.add_argument("--scope", action="append", help="scope to include; repeat (default: all)")
    token.add_argument("--ttl", type=int, default=900, help="seconds (capped by ROOMSVC_CALLER_MAX_TTL)")
    token.add_argument("--credential-id", help="sign for this credential instead of the dev one")
    token.add_argument("--secret", help="that credential's secret")
    token.set_defaults(handler=cmd_caller_token)

    console = sub.add_parser(
        "console-token",
        help="print a short-lived caller token for the operator console (/console) of one project",
    )
    console.add_argument("--project", default="default", help="the project the console shows")
    console.add_argument("--operator", required=True, help="who signs in: recorded as the actor of actions")
    console.add_argument("--ttl", type=int, default=3600, help="seconds (capped by ROOMSVC_CALLER_MAX_TTL)")
    console.add_argument(
        "--scope", action="append", help="limit to this project scope; repeat (default: every project scope)"
    )
    console.add_argument(
        "--reset",
        action="store_true",
        help="give the console credential a new secret: every console token minted before stops working",
    )
    console.set_defaults(handler=cmd_console_token)

    from roomsvc import rooms_cli

    rooms_cli.add_parser(sub).set_defaults(handler=cmd_rooms)

    from roomsvc import detection_cli

    detection_cli.add_parser(sub).set_defaults(handler=cmd_detection)

    doctor = sub.add_parser(
        "doctor", help="check the configuration, MySQL, Redis, LiveKit and webhooks; say what to fix"
    )
    doctor.add_argument(
        "--livekit-config",
        help="livekit.yaml the server runs with (default: $ROOMSVC_LIVEKIT_CONFIG, ./livekit.yaml)",
    )
    return parser


def cmd_rooms(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc import rooms_cli

    return rooms_cli.run(args, settings)


def cmd_detection(args: argparse.Namespace, settings: Settings) -> int:
    from roomsvc import detection_cli

    return detection_cli.run(args, settings)


def cmd_doctor(args: argparse.Namespace) -> int:
    from roomsvc import doctor
    from roomsvc.logging import configure_logging

    configure_logging("critical", json=False)  # the report is the output; library warnings are not
    return doctor.main(livekit_config=args.livekit_config)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "doctor":  # reports a broken configuration itself, in its own words
        return cmd_doctor(args)
    try:
        settings = get_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return int(args.handler(args, settings))
