"""The generated Python client (clients/python) against the real stack: the README's five-minute tour runs
as written, and its outcomes are checked in the API, MariaDB and LiveKit; the signature helper verifies
a real signed delivery from roomsvc and rejects tampered ones."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import roomsvc_client
from roomsvc_client import models
from sqlalchemy import select

from roomsvc.rooms.models import Room
from tests.e2e.clients import connected
from tests.receiver import Receiver
from tests.support import eventually

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "clients" / "python" / "README.md"


def _tour() -> str:
    """The one ```python block of the README's "Five-minute tour" section."""
    text = README.read_text()
    section = re.search(r"^## Five-minute tour$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, "clients/python/README.md has no '## Five-minute tour' section"
    blocks = re.findall(r"^```python\n(.*?)^```$", section.group(1), re.M | re.S)
    assert len(blocks) == 1, f"the tour is one python block, found {len(blocks)}"
    return str(blocks[0])


async def _value(value: Any) -> Any:
    return value


def _tampered_signature(signature: str) -> str:
    return signature[:-1] + ("0" if signature[-1] != "0" else "1")


async def test_readme_tour_runs_against_the_real_stack(
    api: Any,
    api_server: str,
    jobs_process: Any,
    livekit: Any,
    session_factory: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caller = settings.caller_auth
    with Receiver() as receiver:
        monkeypatch.setenv("ROOMSVC_API_URL", api_server)
        monkeypatch.setenv("ROOMSVC_CREDENTIAL_ID", caller.dev_credential_id)
        monkeypatch.setenv("ROOMSVC_CREDENTIAL_SECRET", caller.dev_credential_secret)
        monkeypatch.setenv("ROOMSVC_EVENTS_URL", receiver.url)
        tour: dict[str, Any] = {"__name__": "tour"}
        # The tour is synchronous (it runs its own event loop for the async step): run it off this loop.
        await asyncio.to_thread(exec, compile(_tour(), str(README), "exec"), tour)
        room = tour["room"]
        subscription = tour["subscription"]
        try:
            # 1. The room exists, in the API and in MariaDB, created by alice through the caller token.
            got = await api.get(f"/v1/rooms/{room}")
            assert got.status_code == 200, got.text
            assert (got.json()["creator"], got.json()["owner"]) == ("alice", "alice")
            async with session_factory() as session:
                row = (await session.execute(select(Room).where(Room.name == room))).scalar_one()
            assert row.creator == "alice"

            # 2. The join token the tour minted lets a real client into that LiveKit room as alice.
            join = tour["join"]
            assert (join.identity, join.room) == ("alice", room)
            async with connected(join.url, join.token) as rtc_room:
                assert rtc_room.local_participant.identity == "alice"
                present = await eventually(
                    lambda: livekit.get_participant(room, "alice"), what="alice in the LiveKit room"
                )
                assert present is not None

                async def listed() -> dict[str, Any]:
                    items = (await api.get(f"/v1/rooms/{room}/participants")).json()["items"]
                    return {p["identity"]: p for p in items}

                people = await eventually(
                    listed, check=lambda p: p.get("alice", {}).get("connected") is True, what="alice listed"
                )
                assert people["alice"]["connected"] is True

            # 3. The moderation took effect: bob's microphone is muted, mallory is banned, both audited.
            bob = (await api.get(f"/v1/rooms/{room}/participants/bob/moderation")).json()
            assert bob["is_muted"] is True and "microphone" in bob["muted_sources"], bob
            bans = (await api.get(f"/v1/rooms/{room}/bans")).json()["items"]
            assert [(b["identity"], b["actor"]) for b in bans] == [("mallory", "alice")]
            audited = {(e.action, e.target, e.actor) for e in tour["audit"].items}
            api_audit = (await api.get(f"/v1/rooms/{room}/audit")).json()["items"]
            assert audited == {(e["action"], e["target"], e["actor"]) for e in api_audit}
            assert {target for _, target, _ in audited} >= {"bob", "mallory"}
            assert all(actor == "alice" for _, target, actor in audited if target in ("bob", "mallory"))

            # 4. The events it listed are this room's, parsed, with typed payloads where the document has them.
            events: list[roomsvc_client.Event] = tour["events"]
            assert events and all(e.room == room for e in events)
            assert "room.created" in {e.type for e in events}
            for event in events:
                assert isinstance(event.occurred_at, dt.datetime) and event.occurred_at.tzinfo is not None
                model = getattr(models, roomsvc_client.helpers.payload_model_name(event.type), None)
                assert isinstance(event.data, model if model is not None else dict), (event.type, event.data)

            # 5. A real delivery from roomsvc passes the tour's receiver (verify_signature + parse_event) ...
            assert subscription is not None and subscription.secret
            secret = subscription.secret

            def mine() -> list[tuple[dict[str, str], bytes]]:
                return [(h, b) for h, b in list(receiver.received) if json.loads(b)["room"] == room]

            delivered = await eventually(
                lambda: _value(mine()),
                check=lambda got: any(json.loads(b)["type"] == "room.created" for _, b in got),
                timeout=30,
                what="room.created delivered to the tour's subscription",
            )
            for headers, body in delivered:
                event = tour["receive"](headers, body)
                assert (event.id, event.room) == (json.loads(body)["id"], room)
                model = getattr(models, roomsvc_client.helpers.payload_model_name(event.type), None)
                assert isinstance(event.data, model if model is not None else dict), (event.type, event.data)

            # ... and a tampered body, a tampered signature or a stale timestamp do not.
            headers, body = delivered[0]
            timestamp = int(headers["roomsvc-timestamp"])
            assert roomsvc_client.verify_signature(secret, headers, body)
            tampered_body = body.replace(room.encode(), b"someone-else")
            assert tampered_body != body
            assert not roomsvc_client.verify_signature(secret, headers, tampered_body)
            forged = headers | {"roomsvc-signature": _tampered_signature(headers["roomsvc-signature"])}
            assert not roomsvc_client.verify_signature(secret, forged, body)
            assert not roomsvc_client.verify_signature(secret, headers, body, now=timestamp + 301)
            assert roomsvc_client.verify_signature(secret, headers, body, now=timestamp + 299)
            with pytest.raises(PermissionError):
                tour["receive"](headers, tampered_body)

            # 6. After a secret rotation, deliveries verify with [new, old] (a receiver moving over) and
            #    not with the old secret alone.
            rotated = await api.post(f"/v1/event-subscriptions/{subscription.id}/rotate-secret")
            assert rotated.status_code == 200, rotated.text
            new_secret = rotated.json()["secret"]
            assert new_secret and new_secret != secret
            seen = {json.loads(b)["id"] for _, b in mine()}
            updated = await api.patch(f"/v1/rooms/{room}", json={"metadata": "rotated"})
            assert updated.status_code == 200, updated.text
            after = await eventually(
                lambda: _value([(h, b) for h, b in mine() if json.loads(b)["id"] not in seen]),
                check=lambda got: any(json.loads(b)["type"] == "room.updated" for _, b in got),
                timeout=30,
                what="room.updated delivered after the rotation",
            )
            headers, body = next((h, b) for h, b in after if json.loads(b)["type"] == "room.updated")
            assert roomsvc_client.verify_signature([new_secret, secret], headers, body)
            assert roomsvc_client.verify_signature(new_secret, headers, body)
            assert not roomsvc_client.verify_signature(secret, headers, body)
        finally:
            if subscription is not None:
                await api.delete(f"/v1/event-subscriptions/{subscription.id}")


async def test_caller_token_is_accepted_with_its_scopes_and_operator_and_a_wrong_secret_is_not(
    api_server: str, settings: Any, room_name: str
) -> None:
    caller = settings.caller_auth
    # No scopes: every scope of the credential. The operator is recorded as the actor of its moderation.
    operator = roomsvc_client.caller_token(
        caller.dev_credential_id, caller.dev_credential_secret, operator="ops@example.com"
    )
    reader = roomsvc_client.caller_token(
        caller.dev_credential_id, caller.dev_credential_secret, scopes=["rooms:read"]
    )
    forged = roomsvc_client.caller_token(caller.dev_credential_id, "not-the-secret-0123456789abcdef-xyz")
    async with httpx.AsyncClient(base_url=api_server, timeout=20) as http:

        def as_(token: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {token}"}

        created = await http.post(
            "/v1/rooms", json={"name": room_name, "creator": "alice"}, headers=as_(operator)
        )
        assert created.status_code == 201, created.text
        kicked = await http.post(
            f"/v1/rooms/{room_name}/participants/eve/kick", json={"reason": "spam"}, headers=as_(operator)
        )
        assert kicked.status_code == 200, kicked.text
        audit = (await http.get(f"/v1/rooms/{room_name}/audit", headers=as_(operator))).json()["items"]
        assert [(e["target"], e["actor"]) for e in audit if e["target"] == "eve"] == [
            ("eve", "ops@example.com")
        ]
        # A token carries only the scopes it asked for.
        got = await http.get(f"/v1/rooms/{room_name}", headers=as_(reader))
        assert got.status_code == 200 and got.json()["name"] == room_name, got.text
        refused = await http.post(f"/v1/rooms/{room_name}/end", json={}, headers=as_(reader))
        assert (refused.status_code, refused.json()["code"]) == (403, "missing-scope"), refused.text
        unauthenticated = await http.get("/v1/rooms", headers=as_(forged))
        assert (unauthenticated.status_code, unauthenticated.json()["code"]) == (401, "invalid-token")
