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
import ssl
import time
from typing import Any

import httpx
import msgspec

from roomsvc.agent.client import PROJECT_HEADER, TOKEN_TTL, ApiRejected, ApiUnavailable
from roomsvc.credentials.tokens import mint_caller_token
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


class RecorderApi:
    def __init__(
        self,
        base_url: str,
        *,
        recording_id: str,
        credential_id: str,
        secret: str,
        audience: str,
        project: str,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.recording_id = recording_id
        self._credential_id = credential_id
        self._secret = secret
        self._audience = audience
        self._project = project
        self._token = ""
        self._token_expires = 0.0
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport, verify=verify)

    async def aclose(self) -> None:
        await self._http.aclose()

    def _authorization(self) -> str:
        now = time.monotonic()
        if now > self._token_expires - 60:
            self._token = mint_caller_token(
                credential_id=self._credential_id,
                secret=self._secret,
                audience=self._audience,
                scopes=["recording", "platform"],
                ttl=TOKEN_TTL,
            )
            self._token_expires = now + TOKEN_TTL
        return f"Bearer {self._token}"

    async def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        content = msgspec.json.encode(body) if body is not None else None
        headers = {"Authorization": self._authorization(), PROJECT_HEADER: self._project}
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = await self._http.request(method, path, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise ApiUnavailable(f"{method} {path}: {type(exc).__name__}") from None
        if response.status_code == 404 and _code(response) == "recording-not-found":
            raise RecordingGone("recording-not-found")
        if response.status_code == 409 and _code(response) == "recording-finished":
            raise RecordingGone("recording-finished")
        if response.status_code >= 500 or response.status_code == 429:
            raise ApiUnavailable(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ApiRejected(f"{method} {path}: HTTP {response.status_code} {response.text[:300]}")
        return response

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


def _code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("code", ""))
    except ValueError:
        return ""
