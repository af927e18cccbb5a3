"""create_app(): the composition root — settings, lifespan (MySQL, Redis, LiveKit), routes, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import structlog
from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from redis.asyncio import Redis
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from roomsvc import __version__, heap, idempotency, metrics, wake
from roomsvc.agents.controller import AgentController, RoomAgentController
from roomsvc.auth import CredentialStore
from roomsvc.callers.controller import CallerController
from roomsvc.calls.controller import CallController
from roomsvc.config import Settings, get_settings
from roomsvc.db import (
    DriverPool,
    create_engine,
    create_session_factory,
    current_unit,
    is_conflict,
    is_disconnect,
    note_side_effect,
)
from roomsvc.demo.controller import DemoController
from roomsvc.detection import jobs as detection_jobs
from roomsvc.detection.controller import DetectionController, RoomDetectionController
from roomsvc.errors import (
    HTTP_STATUS_CODES,
    PROBLEM_MEDIA_TYPE,
    AppError,
    Conflict,
    DatabaseUnavailable,
    DependencyUnavailable,
    TransactionConflict,
    problem_body,
)
from roomsvc.events import payloads as event_payloads
from roomsvc.events import service as events_service
from roomsvc.events.controller import EventController, SubscriptionController
from roomsvc.events.delivery import HEADERS_DOCUMENTED
from roomsvc.events.feed import EventFeed
from roomsvc.health.controller import healthz, readyz
from roomsvc.health.metrics import metrics_handler
from roomsvc.invitations.controller import InvitationController, RoomInvitationController
from roomsvc.jobs import api_jobs
from roomsvc.livekit import REPEATABLE_CALLS, LiveKitGateway
from roomsvc.lobby.controller import JoinRequestController
from roomsvc.logging import configure_logging, current_request_id
from roomsvc.middleware import EdgeMiddleware
from roomsvc.moderation.controller import ModerationController
from roomsvc.openapi import EventWebhooks, document_operations, operation_id
from roomsvc.participants.controller import ParticipantController
from roomsvc.ratelimit import ClientLimiter, RateLimiter
from roomsvc.recordings.controller import RecordingController, RoomRecordingController
from roomsvc.recordings.storage import create_storage
from roomsvc.rooms.controller import RoomController, RoomMessageController
from roomsvc.scheduler import Scheduler
from roomsvc.seats.controller import SeatController
from roomsvc.usage.controller import UsageController
from roomsvc.web import console_page, openapi_render_plugins, static_routers
from roomsvc.webhooks.controller import webhook_handler
from roomsvc.webhooks.intake import IntakeWriter

log = structlog.get_logger("roomsvc.app")


def _problem(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    title: str,
    detail: str,
    retry_after: int | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    body = problem_body(
        status=status,
        code=code,
        title=title,
        detail=detail,
        instance=request.url.path,
        request_id=current_request_id(),
        **extra,
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def app_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[dict[str, Any]]:
    if exc.status >= 500:
        log.warning("request.failed", code=exc.code, detail=exc.detail)
    return _problem(request, exc.status, exc.code, exc.title, exc.detail, exc.retry_after, **exc.extra)


def validation_error_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    errors = exc.extra if isinstance(exc.extra, list) else []
    fields = [e.get("key") for e in errors if isinstance(e, dict) and e.get("key")]
    detail = exc.detail or "Validation failed"
    if errors and isinstance(errors[0], dict) and errors[0].get("message"):
        first = errors[0]
        source = first.get("source", "body")
        source = getattr(source, "value", source)  # Litestar gives query/path/header sources as an enum
        detail = f"Invalid `{first.get('key', '?')}` ({source}): {first['message']}"
    return _problem(
        request, 400, "validation-failed", "Validation failed", detail, errors=errors, fields=fields or None
    )


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    code, title = HTTP_STATUS_CODES.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail
    if exc.status_code == 400 and any(word in detail.lower() for word in ("json", "truncated", "decode")):
        code, detail = "malformed-body", f"The request body is not valid JSON: {detail}"
    if exc.status_code == 413:
        detail = "The request body is larger than the limit (ROOMSVC_MAX_BODY_BYTES)."
    return _problem(request, exc.status_code, code, title, detail)


def database_error_handler(request: Request[Any, Any, Any], exc: SQLAlchemyError) -> Response[dict[str, Any]]:
    if is_conflict(exc):
        # A deadlock or lock wait timeout: the database is up. roomsvc.retry re-runs the request when it
        # safely can and drops this answer; otherwise (or out of runs) this is what the caller gets.
        unit = current_unit()
        if unit is not None:
            unit.conflict = exc
        detail = (
            "The request collided with concurrent changes to the same objects and was rolled back "
            "(roomsvc changed nothing); retry it."
        )
        return app_error_handler(request, TransactionConflict(detail))
    if is_disconnect(exc):
        log.warning("database.unavailable", error=type(exc).__name__)
        return app_error_handler(request, DatabaseUnavailable("The database is unreachable; retry shortly."))
    if isinstance(exc, IntegrityError):
        log.info("database.conflict", error=str(exc.orig)[:200])
        detail = "The change conflicts with the current state (a concurrent request won); retry."
        return app_error_handler(request, Conflict(detail))
    log.exception("database.error")
    return app_error_handler(request, AppError("Unexpected database error."))


def observe_livekit_call(method: str, seconds: float, outcome: str) -> None:
    """The gateway's observer in the API: metrics, and a side effect noted on the request's run for any
    call a second run would not simply repeat (roomsvc.retry)."""
    metrics.observe_livekit_call(method, seconds, outcome)
    if method not in REPEATABLE_CALLS:
        note_side_effect("livekit." + method)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    if isinstance(exc, OSError | TimeoutError) and is_disconnect(exc):
        return app_error_handler(
            request, DependencyUnavailable("A dependency is unreachable; retry shortly.")
        )
    log.exception("request.unhandled", error=type(exc).__name__)
    detail = "Something went wrong on our side; the request id identifies it in our logs."
    return app_error_handler(request, AppError(detail))


def _optional_routes(settings: Settings) -> list[Any]:
    """/metrics (ROOMSVC_METRICS_ENABLED), the demo (ROOMSVC_DEMO_ENABLED), the console (always) and the
    built web assets."""
    routes: list[Any] = [*static_routers(demo=settings.demo_enabled), console_page]
    if settings.observability.metrics_enabled:
        routes.append(metrics_handler)
    if settings.demo_enabled:
        routes.append(DemoController)
    return routes


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # A payload that differs from its published schema raises in dev; production logs and counts it.
        strict_before = events_service.set_strict_payloads(settings.is_dev)
        engine = create_engine(settings.database)
        session_factory = create_session_factory(engine)
        redis = Redis.from_url(
            settings.redis.url,
            socket_timeout=settings.redis.timeout,
            socket_connect_timeout=settings.redis.timeout,
            health_check_interval=30,
        )
        gateway = LiveKitGateway(settings.livekit)
        gateway.observer = observe_livekit_call
        recording_storage = create_storage(settings.recording_storage)  # no I/O until used
        driver_pool = DriverPool(engine, settings.database)  # the join route's (db.DriverPool)
        app.state.update(
            recording_storage=recording_storage,
            engine=engine,
            driver_pool=driver_pool,
            session_factory=session_factory,
            redis=redis,
            livekit=gateway,
            credential_store=CredentialStore(session_factory, settings.secret_key),
            rate_limiter=RateLimiter(redis, settings.rate_limits),
            preauth_limiter=ClientLimiter(settings.edge.preauth_limit),
        )
        feed = EventFeed(
            session_factory,
            max_streams=settings.edge.sse_max_streams,
            max_streams_per_caller=settings.edge.sse_max_streams_per_caller,
        )
        app.state.event_feed = feed  # the SSE streams read it
        scheduler = Scheduler(session_factory, api_jobs(settings, gateway, feed))
        try:  # the shipped audio baseline is in the model registry from the first start
            async with session_factory() as session, session.begin():
                await detection_jobs.sync_builtin_models(session)
        except SQLAlchemyError as exc:
            log.warning("detection.builtin_sync_failed", error=type(exc).__name__)
        # Intake's group commit; each commit that stored events wakes `roomsvc jobs`' appliers, and each
        # commit that made event deliveries due wakes its delivery relay (roomsvc.wake).
        intake = IntakeWriter(engine, notify=partial(wake.publish, redis, wake.WEBHOOKS_STORED))
        deliveries = wake.Publisher(redis, wake.DELIVERIES_DUE)
        hook_before = wake.on_deliveries_due(deliveries)
        app.state.webhook_intake = intake
        intake.start()
        # The monitor is the LiveKit port's own health probe (no session, no work claimed), not a job.
        monitor = asyncio.create_task(gateway.monitor(), name="livekit-monitor")
        scheduler.start()
        frozen = heap.freeze_startup_heap()  # no full collection walks the startup heap (roomsvc.heap)
        log.info(
            "app.started",
            env=settings.env,
            livekit=settings.livekit.url,
            webhook=settings.webhook_url,
            frozen_objects=frozen,
        )
        try:
            yield
        finally:
            heap.thaw()
            monitor.cancel()
            await asyncio.gather(scheduler.stop(), monitor, return_exceptions=True)
            await intake.aclose()
            wake.on_deliveries_due(hook_before)
            await deliveries.aclose()
            await gateway.aclose()
            await recording_storage.aclose()
            await redis.aclose()
            await driver_pool.close()
            await engine.dispose()
            events_service.set_strict_payloads(strict_before)
            log.info("app.stopped")

    def provide_livekit(state: State) -> LiveKitGateway:
        return state.livekit  # type: ignore[no-any-return]

    def provide_settings() -> Settings:
        return settings

    app = Litestar(
        route_handlers=[
            healthz,
            readyz,
            webhook_handler(settings.webhook_path),
            RoomController,
            ParticipantController,
            RoomInvitationController,
            InvitationController,
            CallController,
            UsageController,
            ModerationController,
            SeatController,
            RoomMessageController,
            JoinRequestController,
            RoomDetectionController,
            DetectionController,
            RoomRecordingController,
            RecordingController,
            RoomAgentController,
            AgentController,
            SubscriptionController,
            EventController,
            CallerController,
            *_optional_routes(settings),
        ],
        dependencies={
            # The request's transaction (db.provide_session); an IDEMPOTENT route's key is claimed in it.
            "db_session": Provide(idempotency.provide_session),
            "livekit": Provide(provide_livekit, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
        },
        # One pass per request: request id, caller auth, the route (re-run alone on a lock conflict,
        # roomsvc.retry), the access line and metrics (roomsvc.middleware).
        middleware=[EdgeMiddleware],
        before_request=idempotency.begin,
        after_request=idempotency.store_response,
        exception_handlers={
            idempotency.Replayed: idempotency.replay,
            AppError: app_error_handler,
            ValidationException: validation_error_handler,
            HTTPException: http_error_handler,
            SQLAlchemyError: database_error_handler,
            Exception: internal_error_handler,
        },
        lifespan=[lifespan],
        state=State({"settings": settings}),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="roomsvc",
            version=__version__,
            description="Rooms, participants, tokens and invitations for LiveKit, for app backends.",
            path="/schema",
            operation_id_creator=operation_id,
            render_plugins=openapi_render_plugins(),
            components=Components(
                security_schemes={
                    "callerJWT": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        bearer_format="JWT",
                        description="HS256 JWT signed with a caller credential secret; `kid` names it.",
                    )
                }
            ),
        ),
        debug=False,
    )
    # Problem responses and per-operation security (health checks and webhooks need no caller JWT).
    events = EventWebhooks(
        payloads={str(t): struct for t, struct in event_payloads.PAYLOADS.items()},
        component_name=event_payloads.component_name,
        headers=HEADERS_DOCUMENTED,
    )
    document_operations(app, settings.webhook_path, events)
    return app
