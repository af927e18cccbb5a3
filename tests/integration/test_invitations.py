from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from roomsvc.invitations.models import Invitation
from tests.support import make_admin, problem


async def _invite(api: Any, room: str, identities: list[str], **extra: Any) -> list[dict[str, Any]]:
    response = await api.post(f"/v1/rooms/{room}/invitations", json={"identities": identities, **extra})
    assert response.status_code == 201, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


async def test_invitation_lifecycle(api: Any, session_factory: Any, room_name: str) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    first, second, third, fourth = await _invite(api, room_name, ["a", "b", "c", "d"], role="audience")
    assert first["status"] == "pending" and first["role"] == "audience"

    accepted = await api.post(f"/v1/invitations/{first['id']}/accept", json={"name": "Ann"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "audience" and accepted.json()["grants"]["can_publish"] is False
    problem(await api.post(f"/v1/invitations/{first['id']}/accept"), 409, "invitation-accepted")

    assert (await api.post(f"/v1/invitations/{second['id']}/decline")).json()["status"] == "declined"
    problem(await api.post(f"/v1/invitations/{second['id']}/accept"), 409, "invitation-declined")

    assert (await api.delete(f"/v1/invitations/{third['id']}")).json()["status"] == "revoked"
    problem(await api.post(f"/v1/invitations/{third['id']}/accept"), 409, "invitation-revoked")

    async with session_factory() as session, session.begin():
        await session.execute(
            update(Invitation)
            .where(Invitation.public_id == fourth["id"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    problem(await api.post(f"/v1/invitations/{fourth['id']}/accept"), 410, "invitation-expired")

    listing = (await api.get(f"/v1/rooms/{room_name}/invitations")).json()["items"]
    assert [i["status"] for i in listing] == ["accepted", "declined", "revoked", "expired"]
    problem(await api.post("/v1/invitations/inv_missing/accept"), 404, "invitation-not-found")


async def test_invitation_input_is_validated(api: Any, room_name: str) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    for body, field in [
        ({"identities": []}, "identities"),
        ({"identities": ["a"], "role": "owner"}, "role"),
        ({"identities": ["a"], "expires_in": 1}, "expires_in"),
    ]:
        result = problem(
            await api.post(f"/v1/rooms/{room_name}/invitations", json=body), 400, "validation-failed"
        )
        assert field in result["detail"]


async def test_admin_invitations_need_moderation_and_the_owner(
    api: Any, anon: Any, caller_token: Any, session_factory: Any, room_name: str
) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    await make_admin(api, room_name, "ada", owner="o")
    writer = {"Authorization": f"Bearer {caller_token(scopes=['rooms:write', 'rooms:read'])}"}
    moderator = {"Authorization": f"Bearer {caller_token(scopes=['rooms:write', 'moderation'])}"}
    url = f"/v1/rooms/{room_name}/invitations"
    refusals = [
        (writer, {"actor": "o"}, "role-requires-moderation", "role"),  # rooms:write: at most member
        (moderator, {}, "actor-required", "actor"),
        (moderator, {"actor": "ada"}, "insufficient-rank", "actor"),  # only the owner grants admin
    ]
    for headers, extra, code, field in refusals:
        body = {"identities": ["newbie"], "role": "admin"} | extra
        assert problem(await anon.post(url, json=body, headers=headers), 403, code)["field"] == field
    async with session_factory() as session:
        written = await session.execute(select(Invitation.id).where(Invitation.identity == "newbie"))
        assert written.all() == []

    made = await anon.post(
        url, json={"identities": ["newbie", "late"], "role": "admin", "actor": "o"}, headers=moderator
    )
    assert made.status_code == 201, made.text
    newbie, late = made.json()["items"]
    assert newbie["role"] == "admin"
    # Accepting applies the grant the owner made, audited under the owner's name, with its event.
    accepted = await anon.post(f"/v1/invitations/{newbie['id']}/accept", headers=writer)
    assert accepted.status_code == 200 and accepted.json()["role"] == "admin", accepted.text
    assert accepted.json()["grants"]["room_admin"] is False
    audit = (await api.get(f"/v1/rooms/{room_name}/audit", params={"limit": 1})).json()["items"][0]
    assert (audit["action"], audit["actor"], audit["target"]) == ("role", "o", "newbie")
    assert audit["params"] == {"from": None, "to": "admin", "invitation": newbie["id"]}
    types = [e["type"] for e in (await api.get("/v1/events", params={"room": room_name})).json()["items"]]
    assert types.count("participant.role_changed") == 2  # ada's (moderation route) and newbie's
    # Ownership moved on: the old owner's pending admin invitation no longer grants anything.
    moved = await api.post(f"/v1/rooms/{room_name}/owner", json={"identity": "ada", "actor": "o"})
    assert moved.status_code == 200, moved.text
    problem(await anon.post(f"/v1/invitations/{late['id']}/accept", headers=writer), 403, "insufficient-rank")
    assert (await api.get(f"/v1/rooms/{room_name}/participants/late/moderation")).json()["role"] is None
