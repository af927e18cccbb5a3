"""The demo page's backend: calls the public API over HTTP, as an app backend would.

It signs short-lived caller tokens with the dev caller credential (``ROOMSVC_DEV_CREDENTIAL_*``) and sends
them to ``ROOMSVC_PUBLIC_URL``, forwarding the browser request's id in ``X-Request-ID`` so one id runs
through the page's request, the API request, its LiveKit calls and the events it emits.
"""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from roomsvc.auth import mint_caller_token
from roomsvc.config import Settings
from roomsvc.errors import AppError
from roomsvc.logging import current_request_id

log = structlog.get_logger("roomsvc.demo")
# moderation: `admin` is granted by the moderation role route only (rooms:write joins member or audience).
SCOPES = ["rooms:read", "rooms:write", "moderation"]
TOKEN_TTL = 120


class ApiUnreachable(AppError):
    status = 502
    code = "api-unreachable"
    title = "API unreachable"


class UpstreamProblem(Exception):
    """The API answered with an error; the demo relays it to the browser unchanged."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class ApiClient:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def _headers(self) -> dict[str, str]:
        auth = self._settings.caller_auth
        token = mint_caller_token(
            credential_id=auth.dev_credential_id,
            secret=auth.dev_credential_secret,
            audience=auth.audience,
            scopes=SCOPES,
            ttl=TOKEN_TTL,
        )
        headers = {"Authorization": f"Bearer {token}"}
        request_id = current_request_id()
        if request_id:
            headers["X-Request-ID"] = request_id
        return headers

    async def call(self, method: str, path: str, json: Any = None) -> httpx.Response:
        base = self._settings.public_url.rstrip("/")
        try:
            async with httpx.AsyncClient(base_url=base, timeout=15) as client:
                return await client.request(method, path, json=json, headers=self._headers())
        except httpx.HTTPError as exc:
            log.warning("demo.api_unreachable", url=base, error=type(exc).__name__)
            raise ApiUnreachable(
                f"The demo backend could not reach the API at ROOMSVC_PUBLIC_URL={base} "
                f"({type(exc).__name__}); set it to the address this API listens on."
            ) from None

    async def ok(self, method: str, path: str, json: Any = None, *, allow: tuple[int, ...] = ()) -> Any:
        response = await self.call(method, path, json)
        if response.is_success or response.status_code in allow:
            return response.json()
        raise UpstreamProblem(response)


async def join(client: ApiClient, room: str, identity: str, role: str | None, name: str) -> dict[str, Any]:
    """Create the room if needed (idempotent; 409 = it exists with other options: fine), then join."""
    await client.ok(
        "POST", "/v1/rooms", {"name": room, "creator": identity, "call_type": "video"}, allow=(409,)
    )
    body: dict[str, Any] = {"identity": identity, "name": name or identity}
    if role == "admin":
        # As an app backend would: the room's owner grants admin through moderation, then the join
        # takes the identity's current role.
        owner = (await client.ok("GET", f"/v1/rooms/{room}"))["owner"]
        if owner != identity:
            change = {"role": "admin", "actor": owner}
            await client.ok("POST", f"/v1/rooms/{room}/participants/{identity}/role", change)
    elif role:
        body["role"] = role
    joined: dict[str, Any] = await client.ok("POST", f"/v1/rooms/{room}/participants", body)
    log.info("demo.joined", room=room, identity=identity, role=joined.get("role"))
    return {key: joined[key] for key in ("url", "token", "room", "identity", "role", "grants", "expires_at")}
