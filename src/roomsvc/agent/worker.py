"""``roomsvc worker``: a livekit-agents AgentServer that runs the detector in the rooms it is dispatched to.

- Explicit dispatch only: the server registers as ROOMSVC_DETECTION_AGENT_NAME, so LiveKit sends it a
  job only for a room the API dispatched it to (room creation with ``detection.enabled``, POST
  …/detection, or re-dispatch by ``roomsvc jobs``).
- The agent joins hidden, may subscribe, and may publish nothing (no media, no data): its alerts go out
  through the API, which sends the data message with LiveKit's server API.
- livekit-agents runs each job in its own process (forkserver). Clients are built there: the prewarm
  hook builds the runtime (thread pool, VAD, model cache), the job builds its HTTP client. Nothing is
  built at import.
- Load is the number of running jobs over ROOMSVC_WORKER_MAX_JOBS, not CPU, so a busy shared machine
  does not make the worker refuse jobs it has room for (CPU overload shows as dropped windows instead).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
from typing import TYPE_CHECKING

import structlog

from roomsvc.agent.serving import serve
from roomsvc.config import Settings, get_settings

if TYPE_CHECKING:
    from livekit.agents import AgentServer, JobContext, JobProcess, JobRequest

    from roomsvc.agent.client import WorkerApi
    from roomsvc.detection.schemas import WorkerConfig

log = structlog.get_logger("roomsvc.agent.worker")
RUNTIME_KEY = "roomsvc.runtime"


def prewarm(proc: JobProcess) -> None:
    """Runs once in each job process before it takes a job (that process reads its settings itself)."""
    from roomsvc.agent.runtime import JobRuntime
    from roomsvc.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per heartbeat is noise
    # Imported here, once per process: imported lazily inside a job they block its event loop ~1 s each.
    import roomsvc.agent.client
    import roomsvc.agent.session  # noqa: F401

    for module in ("click.core", "rich.progress"):  # livekit-agents' own lazy imports
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    runtime = JobRuntime(settings)
    runtime.prewarm_builtin()
    proc.userdata[RUNTIME_KEY] = runtime


async def request(job_request: JobRequest, *, agent_name: str) -> None:
    """Accept every job we are dispatched to, with an identity that names our agent and the job."""
    await job_request.accept(
        name="roomsvc detector",
        identity=f"{agent_name}-{job_request.id}"[:128],
        attributes={"roomsvc.role": "detector"},
    )


async def _config_with_retry(api: WorkerApi, room: str) -> WorkerConfig:
    from roomsvc.agent.client import ApiUnavailable

    delay = 0.5
    for attempt in range(6):
        try:
            return await api.config(room)
        except ApiUnavailable:
            if attempt == 5:
                raise
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


async def entrypoint(ctx: JobContext) -> None:
    from livekit.agents import AutoSubscribe

    from roomsvc.agent.client import ApiRejected, ApiUnavailable, DetectionStopped, WorkerApi
    from roomsvc.agent.runtime import JobRuntime
    from roomsvc.agent.session import RoomDetector
    from roomsvc.types import split_livekit_room_name

    runtime: JobRuntime = ctx.proc.userdata[RUNTIME_KEY]
    settings = runtime.settings
    project, room_name = split_livekit_room_name(ctx.job.room.name)  # `<project>~<room>` in LiveKit
    structlog.contextvars.bind_contextvars(room=room_name, project=project, job_id=ctx.job.id)
    api = WorkerApi(
        settings.detection.worker_api_url,
        credential_id=settings.detection.worker_credential_id,
        secret=settings.detection.worker_credential_secret,
        audience=settings.caller_auth.audience,
        project=project,
    )
    try:
        config = await _config_with_retry(api, room_name)
    except (DetectionStopped, ApiRejected, ApiUnavailable) as exc:
        log.warning("detection.job_refused", error=f"{type(exc).__name__}: {exc}")
        await api.aclose()
        ctx.shutdown(reason="no detection configuration")
        return
    if not config.enabled:
        log.info("detection.not_enabled")
        await api.aclose()
        ctx.shutdown(reason="detection not enabled")
        return
    await ctx.connect(auto_subscribe=AutoSubscribe.SUBSCRIBE_NONE)
    detector = RoomDetector(
        ctx.room,
        api,
        runtime,
        config,
        job_id=ctx.job.id,
        agent_identity=ctx.room.local_participant.identity,
        room_sid=await ctx.room.sid,
        on_stopped=lambda why: ctx.shutdown(reason=f"detection stopped ({why})"),
    )

    async def close() -> None:
        await detector.aclose()
        await api.aclose()

    ctx.add_shutdown_callback(close)
    await detector.start()


def build_server(settings: Settings) -> AgentServer:
    from livekit.agents import AgentServer, WorkerPermissions

    detection = settings.detection
    ws_url = settings.livekit.url.replace("https://", "wss://").replace("http://", "ws://")
    server = AgentServer(
        ws_url=ws_url,
        api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret,
        setup_fnc=prewarm,
        load_fnc=lambda srv: len(srv.active_jobs) / detection.max_jobs,
        load_threshold=1.0,
        num_idle_processes=detection.idle_processes,
        port=detection.worker_http_port,
        host=settings.host,
        initialize_process_timeout=60.0,
        shutdown_process_timeout=10.0,
        drain_timeout=30,
        permissions=WorkerPermissions(
            can_publish=False,
            can_subscribe=True,
            can_publish_data=False,
            can_update_metadata=False,
            can_publish_sources=[],
            hidden=True,
        ),
        log_level=settings.log_level.upper() if settings.log_level.upper() != "WARNING" else "WARN",
    )
    server.rtc_session(
        entrypoint,
        agent_name=detection.agent_name,
        on_request=functools.partial(request, agent_name=detection.agent_name),
    )
    return server


async def run_worker(settings: Settings) -> None:
    """Run until SIGTERM/SIGINT, then drain (running jobs finish, up to 30 s) and stop."""
    from roomsvc.logging import configure_logging

    configure_logging(settings.log_level, settings.log_json)
    await serve(
        build_server(settings),
        name="worker",
        drain=True,
        agent=settings.detection.agent_name,
        api=settings.detection.worker_api_url,
    )
