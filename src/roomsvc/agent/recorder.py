"""``roomsvc recorder``: a livekit-agents AgentServer that records the rooms it is dispatched to.

- Explicit dispatch only: the server registers as ROOMSVC_RECORDER_AGENT_NAME; the API dispatches it
  per recording (``POST /v1/rooms/{room}/recordings``, a room's ``auto_record``) with a
  :class:`~roomsvc.recordings.schemas.RecorderJob` as the dispatch metadata.
- A process of its own rather than a second agent in ``roomsvc worker``: an AgentServer serves one
  entrypoint (livekit-agents 1.x refuses a second ``rtc_session``), recording is CPU-bound encoding that
  scales on its own machines, and the recorder needs other room permissions than the hidden detector.
- The agent joins *visible* (kind AGENT, attribute ``roomsvc.role=recorder``): participants must see who
  records them. It may subscribe, publish data (the notices) and set its own attributes (the recording
  indicator), and publishes no media.
- livekit-agents runs each job in its own process; :class:`~roomsvc.agent.recording.RoomRecorder` runs
  there, with one encoding thread per file. Load is running jobs over ROOMSVC_RECORDER_MAX_JOBS.
- Shutdown (SIGTERM): running recordings stop at once and finish their files (up to 40 s).
"""

from __future__ import annotations

import functools
import logging
import ssl
from typing import TYPE_CHECKING

import structlog

from roomsvc.agent.serving import serve
from roomsvc.config import Settings, get_settings

if TYPE_CHECKING:
    from livekit.agents import AgentServer, JobContext, JobProcess, JobRequest

log = structlog.get_logger("roomsvc.agent.recorder")
TLS_KEY = "roomsvc.tls"
SHUTDOWN_TIMEOUT = 40.0  # what a job may take to finish its files once told to stop


def prewarm(proc: JobProcess) -> None:
    """Runs once in each job process before it takes a job: logging, and the imports a job needs."""
    from roomsvc.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    # Imported now, once per process: imported inside a job they would block its event loop. So is the
    # TLS context (loading the CA bundle takes about a second on a busy machine).
    import certifi

    import roomsvc.agent.recorder_api
    import roomsvc.agent.recording  # noqa: F401

    proc.userdata[TLS_KEY] = ssl.create_default_context(cafile=certifi.where())


async def request(job_request: JobRequest, *, agent_name: str) -> None:
    await job_request.accept(
        name="Recording",
        identity=f"{agent_name}-{job_request.id}"[:128],
        attributes={"roomsvc.role": "recorder"},
    )


async def entrypoint(ctx: JobContext) -> None:
    import msgspec
    from livekit.agents import AutoSubscribe

    from roomsvc.agent.recorder_api import RecorderApi
    from roomsvc.agent.recording import RoomRecorder
    from roomsvc.recordings.schemas import RecorderJob
    from roomsvc.types import split_livekit_room_name

    settings = get_settings()
    try:
        job = msgspec.json.decode(ctx.job.metadata or "", type=RecorderJob)
    except msgspec.DecodeError as exc:
        log.error("recording.bad_metadata", job_id=ctx.job.id, error=str(exc))
        ctx.shutdown(reason="bad recorder metadata")
        return
    project, room_name = split_livekit_room_name(ctx.job.room.name)
    structlog.contextvars.bind_contextvars(
        room=room_name, project=project, job_id=ctx.job.id, recording=job.recording_id
    )
    api = RecorderApi(
        settings.detection.worker_api_url,
        recording_id=job.recording_id,
        credential_id=settings.detection.worker_credential_id,
        secret=settings.detection.worker_credential_secret,
        audience=settings.caller_auth.audience,
        project=job.project or project,
        verify=ctx.proc.userdata.get(TLS_KEY, True),
    )
    await ctx.connect(auto_subscribe=AutoSubscribe.SUBSCRIBE_NONE)
    recorder = RoomRecorder(
        ctx.room,
        api,
        job,
        storage_settings=settings.recording_storage,
        heartbeat=settings.recording.recorder_heartbeat,
        on_done=lambda outcome: ctx.shutdown(reason=f"recording {outcome}"),
    )

    async def close() -> None:
        await recorder.aclose(SHUTDOWN_TIMEOUT - 5)
        await api.aclose()

    ctx.add_shutdown_callback(close)
    await recorder.start()


def build_server(settings: Settings) -> AgentServer:
    from livekit.agents import AgentServer, WorkerPermissions

    recording = settings.recording
    ws_url = settings.livekit.url.replace("https://", "wss://").replace("http://", "ws://")
    server = AgentServer(
        ws_url=ws_url,
        api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret,
        setup_fnc=prewarm,
        load_fnc=lambda srv: len(srv.active_jobs) / recording.recorder_max_jobs,
        load_threshold=1.0,
        num_idle_processes=recording.recorder_idle_processes,
        port=recording.recorder_http_port,
        host=settings.host,
        initialize_process_timeout=60.0,
        shutdown_process_timeout=SHUTDOWN_TIMEOUT,
        drain_timeout=60,
        permissions=WorkerPermissions(
            can_publish=False,
            can_subscribe=True,
            can_publish_data=True,
            can_update_metadata=True,
            can_publish_sources=[],
            hidden=False,
        ),
        log_level=settings.log_level.upper() if settings.log_level.upper() != "WARNING" else "WARN",
    )
    server.rtc_session(
        entrypoint,
        agent_name=recording.agent_name,
        on_request=functools.partial(request, agent_name=recording.agent_name),
    )
    return server


async def run_recorder(settings: Settings) -> None:
    """Run until SIGTERM/SIGINT, then close: each running recording finishes its files, then stop."""
    from roomsvc.logging import configure_logging

    configure_logging(settings.log_level, settings.log_json)
    # No drain: a recording does not end by itself. Closing the server shuts every job down, and a
    # job's shutdown finishes its files (up to SHUTDOWN_TIMEOUT) before its process exits.
    await serve(
        build_server(settings),
        name="recorder",
        drain=False,
        agent=settings.recording.agent_name,
        api=settings.detection.worker_api_url,
        storage=settings.recording_storage.backend,
    )
