"""The worker's side of the API: httpx, signed as the worker's caller credential (service identity).

The worker writes nothing to MySQL itself; every result goes through the API's detection services,
authenticated with ROOMSVC_WORKER_CREDENTIAL_ID / _SECRET (scopes ``detection`` and ``platform``: one
worker serves every project, and names the room's project in ``Roomsvc-Project`` on each request). One
client per job, created inside the job's event loop.
"""

from __future__ import annotations

import ssl
import time
from typing import Any, TypeVar

import httpx
import msgspec

from roomsvc.credentials.tokens import mint_caller_token
from roomsvc.detection.schemas import IngestResult, WindowBatch, WorkerConfig, WorkerReport

T = TypeVar("T")
PROJECT_HEADER = "Roomsvc-Project"  # roomsvc.auth.PROJECT_HEADER (the agent does not import the API)
TOKEN_TTL = 600


class DetectionStopped(Exception):
    """The API says detection is off in this room (409 detection-stopped): the agent should leave."""


class ApiRejected(Exception):
    """The API refused the request as malformed or forbidden; retrying the same request cannot help."""


class ApiUnavailable(Exception):
    """Transport error or 5xx: worth retrying later."""


class ServiceApi:
    """An authenticated client of the API for an agent: a short-lived caller token of the worker credential
    with ``SCOPES`` (re-minted a minute before it expires), the project in ``Roomsvc-Project``, and answers
    mapped to :class:`ApiUnavailable` (transport, 5xx, 429: retry later) or :class:`ApiRejected` (other
    4xx). :meth:`_refuse` lets a subclass turn its own "stop now" answers into its own exception first.
    """

    SCOPES: tuple[str, ...] = ()

    def __init__(
        self,
        base_url: str,
        *,
        credential_id: str,
        secret: str,
        audience: str,
        project: str,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._credential_id = credential_id
        self._secret = secret
        self._audience = audience
        self._project = project  # the room's project: the worker's credential serves every project
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
                scopes=list(self.SCOPES),
                ttl=TOKEN_TTL,
            )
            self._token_expires = now + TOKEN_TTL
        return f"Bearer {self._token}"

    def _refuse(self, response: httpx.Response) -> None:
        """Raise the subclass's own exception for an answer that means "stop"; the default raises none."""

    async def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        content = msgspec.json.encode(body) if body is not None else None
        headers = {"Authorization": self._authorization(), PROJECT_HEADER: self._project}
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = await self._http.request(method, path, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise ApiUnavailable(f"{method} {path}: {type(exc).__name__}") from None
        self._refuse(response)
        if response.status_code >= 500 or response.status_code == 429:
            raise ApiUnavailable(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ApiRejected(f"{method} {path}: HTTP {response.status_code} {response.text[:300]}")
        return response


class WorkerApi(ServiceApi):
    SCOPES = ("detection", "platform")

    def _refuse(self, response: httpx.Response) -> None:
        if response.status_code == 409 and _code(response) in ("detection-stopped", "room-ended"):
            raise DetectionStopped(_code(response))
        if response.status_code == 404 and _code(response) == "room-not-found":
            raise DetectionStopped("room-not-found")

    async def config(self, room: str) -> WorkerConfig:
        response = await self._call("GET", f"/v1/rooms/{room}/detection/config")
        return msgspec.json.decode(response.content, type=WorkerConfig)

    async def report(self, room: str, report: WorkerReport) -> None:
        await self._call("POST", f"/v1/rooms/{room}/detection/report", report)

    async def post_windows(self, room: str, batch: WindowBatch) -> IngestResult:
        response = await self._call("POST", f"/v1/rooms/{room}/detections", batch)
        return msgspec.json.decode(response.content, type=IngestResult)


def _code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("code", ""))
    except ValueError:
        return ""
