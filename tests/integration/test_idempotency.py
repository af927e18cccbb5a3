"""``Idempotency-Key`` on the real API and MariaDB (issue 13, point 7): a retry replays the first response
without doing the work again; another body under the same key is 422; keys expire; a retry that arrives
while the first request runs waits for it; an error leaves no key behind."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import func, select, text, update

from roomsvc import idempotency
from roomsvc.idempotency import IdempotencyKey
from roomsvc.invitations.models import Invitation
from roomsvc.moderation.models import AuditEntry
from roomsvc.rooms.models import Room
from tests.support import eventually, problem


async def _room(api: Any, name: str) -> None:
    assert (await api.post("/v1/rooms", json={"name": name, "creator": "o"})).status_code == 201


async def _invitations(session_factory: Any, room: str) -> int:
    async with session_factory() as session:
        query = select(func.count()).select_from(Invitation).join(Room).where(Room.name == room)
        return int((await session.execute(query)).scalar_one())


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def test_a_retry_replays_the_first_response_without_doing_the_work_again(
    api: Any, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    url, body, key = f"/v1/rooms/{room_name}/invitations", {"identities": ["ann"]}, _key()
    first = await api.post(url, json=body, headers=key)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await api.post(url, json=body, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await _invitations(session_factory, room_name) == 1
    # Without a key nothing changes: each POST creates.
    await api.post(url, json=body)
    await api.post(url, json=body)
    assert await _invitations(session_factory, room_name) == 3


async def test_a_kick_retried_with_its_key_writes_one_audit_entry(
    api: Any, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    url, key = f"/v1/rooms/{room_name}/participants/mallory/kick", _key()
    first = await api.post(url, json={"reason": "spam"}, headers=key)
    assert first.status_code == 200, first.text
    again = await api.post(url, json={"reason": "spam"}, headers=key)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    async with session_factory() as session:
        kicks = (
            await session.execute(
                select(func.count())
                .select_from(AuditEntry)
                .join(Room)
                .where(Room.name == room_name, AuditEntry.action == "kick")
            )
        ).scalar_one()
    assert kicks == 1


async def test_the_same_key_for_another_request_is_422(
    api: Any, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    url, key = f"/v1/rooms/{room_name}/invitations", _key()
    assert (await api.post(url, json={"identities": ["ann"]}, headers=key)).status_code == 201
    problem(await api.post(url, json={"identities": ["bob"]}, headers=key), 422, "idempotency-key-reused")
    other_path = await api.post(
        f"/v1/rooms/{room_name}/seat-requests", json={"identities": ["ann"]}, headers=key
    )
    problem(other_path, 422, "idempotency-key-reused")
    assert await _invitations(session_factory, room_name) == 1
    too_long = {"Idempotency-Key": "k" * 256}
    problem(await api.post(url, json={"identities": ["cy"]}, headers=too_long), 400, "bad-request")


async def test_an_error_leaves_no_key_so_the_retry_runs(
    api: Any, session_factory: Any, room_name: str
) -> None:
    url, body, key = f"/v1/rooms/{room_name}/invitations", {"identities": ["ann"]}, _key()
    problem(await api.post(url, json=body, headers=key), 404, "room-not-found")
    await _room(api, room_name)
    retried = await api.post(url, json=body, headers=key)
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers
    assert await _invitations(session_factory, room_name) == 1


async def test_an_expired_key_runs_again_and_retention_deletes_it(
    api: Any, session_factory: Any, settings: Any, room_name: str
) -> None:
    await _room(api, room_name)
    url, body, key = f"/v1/rooms/{room_name}/invitations", {"identities": ["ann"]}, _key()
    first = await api.post(url, json=body, headers=key)
    ttl = settings.retention.idempotency_ttl
    old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=ttl + 60)
    async with session_factory() as session, session.begin():
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.idempotency_key == key["Idempotency-Key"])
            .values(created_at=old)
        )
    again = await api.post(url, json=body, headers=key)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["items"][0]["id"] != first.json()["items"][0]["id"]
    assert await _invitations(session_factory, room_name) == 2
    # Retention: an expired key is deleted, a live one kept.
    expired = _key()["Idempotency-Key"]
    async with session_factory() as session, session.begin():
        session.add(
            IdempotencyKey(credential_id="cred_x", idempotency_key=expired, fingerprint="f", created_at=old)
        )
    async with session_factory() as session, session.begin():
        while await idempotency.purge_expired(session, ttl=ttl, batch=100):
            pass
    async with session_factory() as session:
        keys = set(
            (
                await session.execute(
                    select(IdempotencyKey.idempotency_key).where(
                        IdempotencyKey.idempotency_key.in_([expired, key["Idempotency-Key"]])
                    )
                )
            ).scalars()
        )
    assert keys == {key["Idempotency-Key"]}


async def test_concurrent_retries_do_the_work_once(api: Any, session_factory: Any, room_name: str) -> None:
    await _room(api, room_name)
    url, body, key = f"/v1/rooms/{room_name}/invitations", {"identities": ["ann"]}, _key()
    responses = await asyncio.gather(*(api.post(url, json=body, headers=key) for _ in range(6)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.text for r in responses}) == 1
    assert sum("idempotent-replayed" not in r.headers for r in responses) == 1
    assert await _invitations(session_factory, room_name) == 1


async def test_a_retry_waits_for_the_first_request_and_replays_it(
    api: Any, session_factory: Any, settings: Any, room_name: str
) -> None:
    """The first request is held open here (its row inserted in a transaction that has not committed):
    the retry must wait on it, then answer what it stored, without running the handler."""
    await _room(api, room_name)
    path, key = f"/v1/rooms/{room_name}/invitations", _key()
    raw = json.dumps({"identities": ["ann"]}).encode()
    print_ = idempotency.fingerprint("POST", path, b"", raw, "default")  # the dev credential's project
    stored = {"items": [], "next_cursor": None}
    async with session_factory() as held:
        await held.begin()
        row = IdempotencyKey(
            credential_id=settings.caller_auth.dev_credential_id,
            idempotency_key=key["Idempotency-Key"],
            fingerprint=print_,
        )
        held.add(row)
        await held.flush()
        retry = asyncio.create_task(
            api.post(path, content=raw, headers=key | {"Content-Type": "application/json"})
        )

        async def waiting() -> int:
            async with session_factory() as probe:
                # Our own user's threads: the retry's INSERT of the key, blocked on the held row.
                query = text(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                    "WHERE INFO LIKE 'INSERT INTO idempotency_keys%'"
                )
                return int((await probe.execute(query)).scalar_one())

        await eventually(waiting, what="the retry waiting on the first request's key")
        assert not retry.done()
        row.status_code, row.response_body = 201, json.dumps(stored)
        await held.commit()
    response = await asyncio.wait_for(retry, 20)
    assert response.status_code == 201 and response.json() == stored
    assert response.headers["idempotent-replayed"] == "true"
    assert await _invitations(session_factory, room_name) == 0
