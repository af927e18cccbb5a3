from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from roomsvc.invitations.models import Invitation
from tests.support import problem


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
