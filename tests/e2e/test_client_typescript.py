"""The TypeScript client (clients/typescript), compiled with its tsc, against the real stack: the README's
five-minute tour (examples/tour.ts) runs under Node and its effects are checked through the API and
LiveKit's token format; verifySignature checks a real delivery from `roomsvc jobs` and refuses forgeries.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.receiver import Receiver
from tests.support import eventually

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "typescript"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="module")
def built_client() -> Path:
    """`npm run build`: tsc (strict) over src/ and examples/ into clients/typescript/dist."""
    assert (CLIENT / "node_modules" / ".bin" / "tsc").exists(), (
        "clients/typescript/node_modules missing: run `make test`"
    )
    result = subprocess.run(
        ["npm", "run", "--silent", "build"], cwd=CLIENT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (CLIENT / "dist" / "src" / "schema.d.ts").exists()  # the build ships the generated types
    return CLIENT / "dist"


def _node(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", *args], cwd=CLIENT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


async def test_readme_tour_runs_under_node_against_the_real_stack(
    built_client: Path, api_server: str, jobs_process: Any, api: Any, settings: Any, room_name: str
) -> None:
    env = dict(os.environ) | {
        "ROOMSVC_API_URL": api_server,
        "ROOMSVC_CREDENTIAL_ID": settings.caller_auth.dev_credential_id,
        "ROOMSVC_CREDENTIAL_SECRET": settings.caller_auth.dev_credential_secret,
        "ROOMSVC_TOUR_ROOM": room_name,
    }
    result = await asyncio.to_thread(_node, str(built_client / "examples" / "tour.js"), env=env)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "typescript-tour.txt").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()

    # The room exists, as the tour created it.
    room = (await api.get(f"/v1/rooms/{room_name}")).json()
    assert (room["name"], room["creator"], room["call_type"]) == (room_name, "alice", "audio"), room

    # The join token is a LiveKit token for bob in that room, signed with the LiveKit API secret.
    handed = json.loads(
        next(line for line in lines if line.startswith("for bob's client: ")).split(": ", 1)[1]
    )
    claims = jwt.decode(handed["token"], settings.livekit.api_secret, algorithms=["HS256"])
    assert claims["sub"] == "bob" and claims["iss"] == settings.livekit.api_key
    assert claims["video"]["room"] == room_name and claims["video"]["roomJoin"] is True
    assert "microphone" in claims["video"]["canPublishSources"]
    assert handed["url"].startswith(("ws://", "wss://"))
    participants = (await api.get(f"/v1/rooms/{room_name}/participants")).json()["items"]
    assert "bob" in {p["identity"] for p in participants}
    assert any(line.startswith("participant bob: ") for line in lines)

    # Mute and kick happened, with alice as the actor, and are in the audit log the tour printed.
    moderation = (await api.get(f"/v1/rooms/{room_name}/participants/bob/moderation")).json()
    assert moderation["is_banned"] is True and moderation["muted_sources"] == ["microphone"], moderation
    audit = (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]
    actions = {(entry["action"], entry["actor"], entry["target"]) for entry in audit}
    assert {action for action, actor, target in actions if actor == "alice" and target == "bob"} >= {
        "mute",
        "kick",
    }, actions
    assert sum(line.startswith("audit: alice ") for line in lines) >= 2

    # The events the tour listed are the room's events, and it verified the room.created delivery.
    events = (await api.get("/v1/events", params={"room": room_name, "limit": 50})).json()["items"]
    types = {event["type"] for event in events}
    assert {"room.created", "participant.muted", "participant.kicked"} <= types, types
    listed = {line.split()[2] for line in lines if line.startswith("event ")}
    # The tour listed the room's events, every one it caused among them. LiveKit's `room.started` comes
    # through LiveKit's webhook, applied by `roomsvc jobs`: it may land after the tour listed.
    caused = {"room.created", "participant.muted", "participant.kicked"}
    assert listed <= {event["id"] for event in events}
    assert {event["id"] for event in events if event["type"] in caused} <= listed
    created = next(event for event in events if event["type"] == "room.created")
    assert f"delivery verified: room.created {created['id']}" in lines

    # The tour deleted its subscription on the way out.
    subscriptions = (await api.get("/v1/event-subscriptions", params={"limit": 100})).json()["items"]
    assert not [s for s in subscriptions if "/hooks/roomsvc" in s["url"] and s["status"] == "active"]


VERIFY_SCRIPT = """
const { verifySignature, parseEvent } = await import(process.argv[2]);
const { secret, headers, body } = JSON.parse(process.argv[3]);
const raw = Buffer.from(body, "base64");
const timestamp = Number(headers["roomsvc-timestamp"]);
const tampered = Buffer.from(raw.toString("utf8").replace('"room.created"', '"room.ended"'));
const sig = headers["roomsvc-signature"];
const flipped = sig.slice(0, -1) + (sig.endsWith("0") ? "1" : "0");
const event = parseEvent(raw);
console.log(JSON.stringify({
  genuine: verifySignature(secret, headers, raw),
  genuine_title_case: verifySignature(secret, { "Roomsvc-Timestamp": String(timestamp), "Roomsvc-Signature": sig }, raw),
  genuine_during_rotation: verifySignature(["whsec_next-one", secret], new Headers(headers), raw),
  tampered_body: verifySignature(secret, headers, tampered),
  tampered_signature: verifySignature(secret, { ...headers, "roomsvc-signature": flipped }, raw),
  other_secret: verifySignature("whsec_not-the-secret", headers, raw),
  replayed_six_minutes_later: verifySignature(secret, headers, raw, { now: timestamp + 360 }),
  stale_timestamp: verifySignature(secret, { ...headers, "roomsvc-timestamp": String(timestamp - 360) }, raw),
  event: { id: event.id, type: event.type, room: event.room },
}));
"""


async def test_verify_signature_accepts_a_real_delivery_and_refuses_forgeries(
    built_client: Path, api: Any, jobs_process: Any, room_name: str, tmp_path: Path
) -> None:
    with Receiver() as receiver:
        response = await api.post(
            "/v1/event-subscriptions", json={"url": receiver.url, "event_types": ["room.*"]}
        )
        assert response.status_code == 201, response.text
        subscription = response.json()
        try:
            assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201

            async def delivered() -> list[tuple[dict[str, str], bytes]]:
                return [
                    (headers, body)
                    for headers, body in list(receiver.received)
                    if (event := json.loads(body))["room"] == room_name and event["type"] == "room.created"
                ]

            headers, body = (await eventually(delivered, timeout=30, what="a real room.created delivery"))[0]
        finally:
            await api.delete(f"/v1/event-subscriptions/{subscription['id']}")

    script = tmp_path / "verify.mjs"
    script.write_text(VERIFY_SCRIPT)
    payload = json.dumps(
        {
            "secret": subscription["secret"],
            "headers": {k: v for k, v in headers.items() if k.startswith("roomsvc-")},
            "body": base64.b64encode(body).decode(),
        }
    )
    result = await asyncio.to_thread(
        _node, str(script), (built_client / "src" / "index.js").as_uri(), payload
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got.pop("event") == {"id": json.loads(body)["id"], "type": "room.created", "room": room_name}
    assert got == {
        "genuine": True,
        "genuine_title_case": True,
        "genuine_during_rotation": True,
        "tampered_body": False,
        "tampered_signature": False,
        "other_secret": False,
        "replayed_six_minutes_later": False,
        "stale_timestamp": False,
    }


CLIENT_SCRIPT = """
const { createRoomsvcClient, unwrap, RoomsvcError } = await import(process.argv[2]);
const { baseUrl, credentialId, secret, room } = JSON.parse(process.argv[3]);
const credential = { credentialId, secret, scopes: ["rooms:read"], ttl: 120 };
const path = { params: { path: { room } } };
const out = {};
const mine = createRoomsvcClient({ baseUrl, credential, project: "default" });
out.first = unwrap(await mine.GET("/v1/rooms/{room}", path)).name;
out.second = unwrap(await mine.GET("/v1/rooms/{room}", path)).name;  // the cached token again
async function problem(client, method, url, init) {
  try {
    unwrap(await client[method](url, init));
    return null;
  } catch (error) {
    if (!(error instanceof RoomsvcError)) throw error;
    return { status: error.status, code: error.code, detail: error.problem.detail };
  }
}
out.other_project = await problem(createRoomsvcClient({ baseUrl, credential, project: "other" }), "GET", "/v1/rooms/{room}", path);
out.read_only = await problem(mine, "POST", "/v1/rooms", { body: { name: room + "-x", creator: "o" } });
out.bad_secret = await problem(createRoomsvcClient({ baseUrl, credential: { ...credential, secret: "wrong-secret-0123456789abcdef0123" } }), "GET", "/v1/rooms/{room}", path);
out.bad_input = await problem(createRoomsvcClient({ baseUrl, token: () => "not-a-jwt" }), "GET", "/v1/rooms/{room}", path);
console.log(JSON.stringify(out));
"""


async def test_client_signs_its_own_tokens_sends_the_project_and_raises_problems(
    built_client: Path, api_server: str, api: Any, settings: Any, room_name: str, tmp_path: Path
) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    script = tmp_path / "client.mjs"
    script.write_text(CLIENT_SCRIPT)
    config = {
        "baseUrl": api_server,
        "credentialId": settings.caller_auth.dev_credential_id,
        "secret": settings.caller_auth.dev_credential_secret,
        "room": room_name,
    }
    result = await asyncio.to_thread(
        _node, str(script), (built_client / "src" / "index.js").as_uri(), json.dumps(config)
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["first"] == got["second"] == room_name
    assert got["other_project"]["status"] == 403 and got["other_project"]["code"] == "project-mismatch"
    assert got["read_only"]["status"] == 403 and got["read_only"]["code"] == "missing-scope"
    assert got["bad_secret"]["status"] == 401 and got["bad_secret"]["code"] == "invalid-token"
    assert got["bad_input"]["status"] == 401 and got["bad_input"]["detail"]
    # The read-only token created nothing.
    assert (await api.get(f"/v1/rooms/{room_name}-x")).status_code == 404
