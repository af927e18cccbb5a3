"""Recordings API: start, stop, list, read, download, delete; and the recorder's reports.

Scope ``recording`` for every route. The recorder's own routes (``/v1/recordings/{id}/worker/…``) also
require the worker's credential (ROOMSVC_WORKER_CREDENTIAL_ID; ``403 worker-only`` for anyone else,
before any lookup).

**Recorder protocol** (docs/recording.md#recorder-protocol). The recorder agent is dispatched with a
:class:`~roomsvc.recordings.schemas.RecorderJob` as the dispatch metadata (JSON: ``recording_id``,
``project``, ``room``, ``kind``, ``identities``, ``track_sids``, ``key_prefix``). It signs its calls as
the worker credential (scopes ``recording`` and ``platform``) and names the project in
``Roomsvc-Project``. Every call answers the recording (``RecordingOut``), or the file; every call counts
as a heartbeat; every call is idempotent:

1. ``POST …/worker/started`` ``{"agent_identity"?, "room_sid"?}`` once it is in the room: ``recording``;
2. ``POST …/worker/file-opened`` ``{"key", "kind": audio|video|mix, "content_type", "identity"?,
   "track_sid"?}`` **before** it opens a storage writer for ``key`` (which must start with
   ``key_prefix + "/"``), so a recorder that dies leaves a file the sweeper can recover;
3. ``POST …/worker/heartbeat`` ``{"files": [{"key", "size"}]}`` every few seconds (well under
   ROOMSVC_RECORDING_STALE_SECONDS); the answer's ``state: stopping`` asks it to stop, and a final state
   to leave;
4. ``POST …/worker/file-finished`` ``{"key", "size", "sha256", "duration_s"?, "partial"?, "location"?}``
   after each writer's ``close()``;
5. ``POST …/worker/finished`` ``{}`` when every file is finished (``ready``, or ``partial`` if one is),
   or ``POST …/worker/failed`` ``{"reason"}`` when it cannot go on (``failed``).
"""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Dependency, Parameter
from litestar.response import Redirect, Stream
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.errors import PROBLEM_MEDIA_TYPE, AppError, Conflict, NotFound, problem_body
from roomsvc.livekit import LiveKitGateway
from roomsvc.openapi import Problem
from roomsvc.recordings import reports, service
from roomsvc.recordings.mappers import file_out, recording_out
from roomsvc.recordings.models import Recording, RecordingFile
from roomsvc.recordings.schemas import (
    FileFinished,
    FileOpened,
    Kind,
    RecorderFailed,
    RecorderFinished,
    RecorderHeartbeat,
    RecorderStarted,
    RecordingCreate,
    RecordingFileOut,
    RecordingOut,
    RecordingPage,
)
from roomsvc.recordings.schemas import (
    State as RecordingState,
)
from roomsvc.recordings.storage.interface import InvalidRange, RecordingStorage
from roomsvc.routes import PAGE, PROJECT, RECORDING
from roomsvc.types import Page

PARTIAL_HEADER = "Roomsvc-Recording-Partial"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(AppError, status=416, code="range-not-satisfiable", title="Range not satisfiable"):
    """The ``Range`` starts at or past the end of the file."""


# The storage is a Protocol, which msgspec cannot check an instance against: the handlers take it unchecked.
StorageDependency = Annotated[RecordingStorage, Dependency(skip_validation=True)]


def provide_storage(state: State) -> RecordingStorage:
    return state.recording_storage  # type: ignore[no-any-return]


def worker_only(connection: ASGIConnection[Any, Caller, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the recorder's routes; it runs before any lookup, so other callers learn nothing."""
    settings: Settings = connection.app.state.settings
    service.require_worker(connection.user.credential_id, settings.detection.worker_credential_id)


async def _out(session: AsyncSession, recording: Recording) -> RecordingOut:
    return recording_out(recording, (await service.files_of(session, [recording]))[recording.id])


class RoomRecordingController(Controller):
    path = "/v1/rooms/{room:str}"
    tags = ["recordings"]
    dependencies = PROJECT

    @post(
        "/recordings",
        opt=RECORDING,
        status_code=201,
        summary="Start recording the room (409 recording-running names the one already running)",
    )
    async def start(
        self,
        room: str,
        data: RecordingCreate,
        request: Request[Caller, Any, Any],
        project_id: int,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
    ) -> RecordingOut:
        if data.actor is None and request.user.operator is not None:
            # A console token's operator is who asked, as for moderation (roomsvc.auth.Caller.operator).
            data = msgspec.structs.replace(data, actor=request.user.operator)
        locked = await service.room_of(db_session, project_id, room, for_update=True)
        recording = await service.start(
            db_session,
            livekit,
            locked,
            data,
            requested_by=request.user.credential_id,
            settings=settings.recording,
            storage=settings.recording_storage,
        )
        return await _out(db_session, recording)


class RecordingController(Controller):
    path = "/v1/recordings"
    tags = ["recordings"]
    dependencies = PROJECT | PAGE | {"recording_storage": Provide(provide_storage, sync_to_thread=False)}

    @get("/", opt=RECORDING, summary="List recordings, newest first")
    async def list_recordings(
        self,
        db_session: AsyncSession,
        project_id: int,
        page: Page,
        room: str | None = None,
        state_filter: Annotated[RecordingState | None, Parameter(query="state")] = None,
        kind: Kind | None = None,
    ) -> RecordingPage:
        rows, next_cursor = await service.list_recordings(
            db_session, project_id, room=room, state=state_filter, kind=kind, page=page
        )
        files = await service.files_of(db_session, rows)
        return RecordingPage(items=[recording_out(r, files[r.id]) for r in rows], next_cursor=next_cursor)

    @get("/{recording_id:str}", opt=RECORDING, summary="A recording and its files")
    async def get_recording(
        self, recording_id: str, db_session: AsyncSession, project_id: int
    ) -> RecordingOut:
        return await _out(db_session, await service.get(db_session, project_id, recording_id))

    @post("/{recording_id:str}/stop", opt=RECORDING, status_code=200, summary="Stop recording (idempotent)")
    async def stop(
        self, recording_id: str, db_session: AsyncSession, project_id: int, livekit: LiveKitGateway
    ) -> RecordingOut:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        await service.stop(db_session, livekit, recording)
        return await _out(db_session, recording)

    @delete(
        "/{recording_id:str}",
        opt=RECORDING,
        status_code=204,
        summary="Delete a finished recording: its files in storage, then its record",
    )
    async def delete_recording(
        self,
        recording_id: str,
        db_session: AsyncSession,
        project_id: int,
        recording_storage: StorageDependency,
    ) -> None:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        service.deletable(recording)
        for file in (await service.files_of(db_session, [recording]))[recording.id]:
            await recording_storage.delete(file.storage_key)
        await service.delete_rows(db_session, [recording])

    @get(
        "/{recording_id:str}/file",
        opt=RECORDING,
        summary="Download a file of the recording (HTTP Range; `redirect=true`: a presigned S3 URL)",
        responses={
            200: ResponseSpec(
                data_container=bytes,
                # The file's own content type (what its recorder reported: audio/ogg, video/webm, ...).
                media_type="*/*",
                generate_examples=False,
                description="The file, with the content type its recorder reported (`files[].content_type`).",
            ),
            206: ResponseSpec(
                data_container=bytes,
                media_type="*/*",
                generate_examples=False,
                description="The `Range` asked for (the file's content type).",
            ),
            307: ResponseSpec(
                data_container=None, description="`redirect=true` on S3: `Location` is a presigned URL."
            ),
            416: ResponseSpec(
                data_container=Problem,
                media_type=PROBLEM_MEDIA_TYPE,
                generate_examples=False,
                description="The `Range` starts past the end of the file.",
            ),
            409: ResponseSpec(
                data_container=Problem,
                media_type=PROBLEM_MEDIA_TYPE,
                generate_examples=False,
                description="`recording-has-several-files`: no `file` named and the recording has several.",
            ),
        },
    )
    async def download(
        self,
        recording_id: str,
        request: Request[Caller, Any, Any],
        db_session: AsyncSession,
        project_id: int,
        recording_storage: StorageDependency,
        settings: Settings,
        file: Annotated[
            str | None,
            Parameter(description="file id, when the recording has several (default: the only one)"),
        ] = None,
        redirect: Annotated[
            bool,
            Parameter(description="answer 307 to a presigned URL (S3 storage; ignored for local storage)"),
        ] = False,
    ) -> Response[Any]:
        recording = await service.get(db_session, project_id, recording_id)
        chosen = _choose(recording, (await service.files_of(db_session, [recording]))[recording.id], file)
        headers = _file_headers(chosen)
        if redirect:
            url = await recording_storage.presigned_url(chosen.storage_key, settings.recording.url_ttl)
            if url is not None:
                return Redirect(url, status_code=307, headers=headers)
        size = chosen.size
        try:
            span = _range(request.headers.get("range"), size, request.headers.get("if-range"), chosen)
            start, end = span if span is not None else (0, size)
            try:
                body: AsyncIterator[bytes] = await recording_storage.open_range(
                    chosen.storage_key, start, end
                )
            except InvalidRange:
                raise RangeNotSatisfiable(
                    f"The range starts past the end of the file ({size} bytes)."
                ) from None
        except RangeNotSatisfiable as exc:
            problem = problem_body(
                status=exc.status,
                code=exc.code,
                title=exc.title,
                detail=exc.detail,
                instance=request.url.path,
            )
            return Response(
                problem,
                status_code=exc.status,
                media_type=PROBLEM_MEDIA_TYPE,
                headers={"Content-Range": f"bytes */{size}"},
            )
        headers["Content-Length"] = str(end - start)
        status = 200
        if span is not None:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        return Stream(body, status_code=status, headers=headers, media_type=chosen.content_type)

    # --- the recorder's reports ----------------------------------------------------------------------

    @post(
        "/{recording_id:str}/worker/started",
        opt=RECORDING,
        guards=[worker_only],
        status_code=200,
        summary="Recorder only: it is in the room and recording",
    )
    async def worker_started(
        self,
        recording_id: str,
        db_session: AsyncSession,
        project_id: int,
        data: RecorderStarted | None = None,
    ) -> RecordingOut:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        return await _out(db_session, await reports.started(db_session, recording, data or RecorderStarted()))

    @post(
        "/{recording_id:str}/worker/file-opened",
        opt=RECORDING,
        guards=[worker_only],
        status_code=200,
        summary="Recorder only: a file is about to be written (before its writer opens)",
    )
    async def worker_file_opened(
        self, recording_id: str, data: FileOpened, db_session: AsyncSession, project_id: int
    ) -> RecordingFileOut:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        return file_out(await reports.file_opened(db_session, recording, data))

    @post(
        "/{recording_id:str}/worker/heartbeat",
        opt=RECORDING,
        guards=[worker_only],
        status_code=200,
        summary="Recorder only: alive, with the bytes written so far; the answer says whether to stop",
    )
    async def worker_heartbeat(
        self,
        recording_id: str,
        db_session: AsyncSession,
        project_id: int,
        data: RecorderHeartbeat | None = None,
    ) -> RecordingOut:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        return await _out(
            db_session, await reports.heartbeat(db_session, recording, data or RecorderHeartbeat())
        )

    @post(
        "/{recording_id:str}/worker/file-finished",
        opt=RECORDING,
        guards=[worker_only],
        status_code=200,
        summary="Recorder only: a file is complete (size, sha256, duration; partial if cut short)",
    )
    async def worker_file_finished(
        self, recording_id: str, data: FileFinished, db_session: AsyncSession, project_id: int
    ) -> RecordingFileOut:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        return file_out(await reports.file_finished(db_session, recording, data))

    @post(
        "/{recording_id:str}/worker/finished",
        opt=RECORDING,
        guards=[worker_only],
        status_code=200,
        summary="Recorder only: every file is finished; the recording is ready (or partial)",
    )
    async def worker_finished(
        self,
        recording_id: str,
        db_session: AsyncSession,
        project_id: int,
        data: RecorderFinished | None = None,
    ) -> RecordingOut:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        return await _out(db_session, await reports.finished(db_session, recording))

    @post(
        "/{recording_id:str}/worker/failed",
        opt=RECORDING,
        guards=[worker_only],
        status_code=200,
        summary="Recorder only: it cannot go on; the recording fails with the reason",
    )
    async def worker_failed(
        self, recording_id: str, data: RecorderFailed, db_session: AsyncSession, project_id: int
    ) -> RecordingOut:
        recording = await service.get(db_session, project_id, recording_id, for_update=True)
        return await _out(db_session, await reports.failed(db_session, recording, data.reason))


def _choose(recording: Recording, files: list[RecordingFile], file_id: str | None) -> RecordingFile:
    if recording.state not in ("ready", "partial"):
        raise NotFound(
            f"Recording {recording.public_id} is {recording.state}: nothing to download until it is ready.",
            code="recording-not-ready",
        )
    usable = [f for f in files if f.state in ("ready", "partial")]
    if file_id is not None:
        for candidate in usable:
            if candidate.public_id == file_id:
                return candidate
        raise NotFound(
            f"Recording {recording.public_id} has no file {file_id!r} to download.",
            code="recording-file-not-found",
        )
    if len(usable) == 1:
        return usable[0]
    mixes = [f for f in usable if f.kind == "mix"]
    if len(mixes) == 1:
        return mixes[0]
    # 409, not 400: the request is well-formed; what it asks for depends on the recording's files.
    raise Conflict(
        f"Recording {recording.public_id} has {len(usable)} files; name one with `file` (its `files[].id`): "
        + ", ".join(f.public_id for f in usable),
        code="recording-has-several-files",
        field="file",
    )


def _file_headers(file: RecordingFile) -> dict[str, str]:
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'attachment; filename="{file.storage_key.rsplit("/", 1)[-1]}"',
        PARTIAL_HEADER: "true" if file.state == "partial" else "false",
    }
    if file.sha256:
        headers["ETag"] = f'"{file.sha256}"'
        digest = base64.b64encode(bytes.fromhex(file.sha256)).decode()
        headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return headers


def _range(
    header: str | None, size: int, if_range: str | None, file: RecordingFile
) -> tuple[int, int] | None:
    """``(start, end)`` (end exclusive) of a single ``bytes=`` range; None for the whole file (no header,
    several ranges or another unit: RFC 9110 lets a server ignore those, or a stale ``If-Range``)."""
    if not header:
        return None
    if if_range is not None and (not file.sha256 or if_range.strip() != f'"{file.sha256}"'):
        return None
    match = _RANGE.match(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable(f"An empty suffix range; the file has {size} bytes.")
        return max(0, size - length), size
    start = int(first)
    end = min(int(last) + 1, size) if last else size
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(f"The range starts at or past the end of the file ({size} bytes).")
    return start, end
