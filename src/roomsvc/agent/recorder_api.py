"""The recorder's side of the recorder protocol (docs/recording.md#recorder-protocol): httpx, signed as the
worker credential with scopes ``recording platform``, the room's project in ``Roomsvc-Project``.

Every report is idempotent on the API side, so :meth:`RecorderApi.report` retries transport errors and
5xx a few times. Each answer is the recording (or one of its files): :class:`RecordingView` keeps the
fields the recorder acts on (its state, and when a stop was asked for). One client per job, built inside
the job's event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import msgspec

from roomsvc.agent.client import ApiUnavailable, ServiceApi, _code
from roomsvc.recordings.schemas import (
    FileFinished,
    FileOpened,
    FileProgress,
    RecorderFailed,
    RecorderHeartbeat,
    RecorderStarted,
)

FINAL_STATES = frozenset({"ready", "partial", "failed"})


class RecordingGone(Exception):
    """The recording no longer exists (deleted) or is already finished: the recorder should leave."""


class FileView(msgspec.Struct):
    key: str


class RecordingView(msgspec.Struct):
    """What the recorder reads from the API's answer (``RecordingOut``; other fields are ignored)."""

    id: str
    state: str
    storage: str = ""
    started_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    stop_reason: str | None = None
    files: list[FileView] = []

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


class RecorderApi(ServiceApi):
    SCOPES = ("recording", "platform")

    def __init__(self, base_url: str, *, recording_id: str, **options: Any) -> None:
        super().__init__(base_url, **options)
        self.recording_id = recording_id

    def _refuse(self, response: httpx.Response) -> None:
        if response.status_code == 404 and _code(response) == "recording-not-found":
            raise RecordingGone("recording-not-found")
        if response.status_code == 409 and _code(response) == "recording-finished":
            raise RecordingGone("recording-finished")

    async def _worker(self, step: str, body: Any, *, attempts: int = 4) -> httpx.Response:
        """POST a report, retried while the API is away (every report is idempotent)."""
        delay = 0.3
        for attempt in range(attempts):
            try:
                return await self._call("POST", f"/v1/recordings/{self.recording_id}/worker/{step}", body)
            except ApiUnavailable:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    async def get(self) -> RecordingView:
        response = await self._call("GET", f"/v1/recordings/{self.recording_id}")
        return msgspec.json.decode(response.content, type=RecordingView)

    async def started(self, report: RecorderStarted) -> RecordingView:
        response = await self._worker("started", report, attempts=6)
        return msgspec.json.decode(response.content, type=RecordingView)

    async def file_opened(self, report: FileOpened) -> None:
        await self._worker("file-opened", report)

    async def heartbeat(self, files: list[FileProgress]) -> RecordingView:
        response = await self._worker("heartbeat", RecorderHeartbeat(files=files), attempts=1)
        return msgspec.json.decode(response.content, type=RecordingView)

    async def file_finished(self, report: FileFinished) -> None:
        await self._worker("file-finished", report)

    async def finished(self) -> RecordingView:
        response = await self._worker("finished", {})
        return msgspec.json.decode(response.content, type=RecordingView)

    async def failed(self, reason: str) -> RecordingView:
        response = await self._worker("failed", RecorderFailed(reason=reason[:512]))
        return msgspec.json.decode(response.content, type=RecordingView)
