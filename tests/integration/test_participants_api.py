"""Join and its refusals, and the grants carried by the tokens (decoded with LiveKit's secret)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
import pytest
from sqlalchemy import select

from roomsvc.moderation.models import Ban
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from tests.support import make_admin, problem


async def _room(api: Any, name: str, **extra: Any) -> dict[str, Any]:
    body = {"name": name, "creator": "owner", "seats": 0} | extra  # no stage unless a test asks for one
    response = await api.post("/v1/rooms", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _claims(token: str, settings: Any) -> dict[str, Any]:
    return jwt.decode(
        token, settings.livekit.api_secret, algorithms=["HS256"], issuer=settings.livekit.api_key
    )  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", {"canPublish": True, "canSubscribe": True, "canPublishData": True}),
        ("admin", {"canPublish": True, "canSubscribe": True, "canPublishData": True}),
        ("member", {"canPublish": True, "canSubscribe": True, "canPublishData": True}),
        ("audience", {"canPublish": False, "canSubscribe": True, "canPublishData": True}),
    ],
)
async def test_token_grants_follow_role(
    api: Any, settings: Any, room_name: str, role: str, expected: dict[str, Any]
) -> None:
    await _room(api, room_name, call_type="audio")
    identity = "owner" if role == "owner" else f"{role}-1"
    if role == "admin":  # granted by moderation only; the join then asks for the role it holds
        await make_admin(api, room_name, identity, owner="owner")
    response = await api.post(
        f"/v1/rooms/{room_name}/participants",
        json={"identity": identity, "role": role, "name": "N", "ttl": 120},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    claims = _claims(body["token"], settings)
    video = claims["video"]
    assert video["room"] == room_name and video["roomJoin"] is True
    for key, value in expected.items():
        assert video[key] == value, (key, video)
    # No end-user token is a LiveKit server-API credential (docs/api.md, "The token model").
    assert set(video) <= {
        "room",
        "roomJoin",
        "canPublish",
        "canSubscribe",
        "canPublishData",
        "canPublishSources",
    }
    assert body["grants"]["room_admin"] is False
    if role != "audience":
        assert video["canPublishSources"] == ["microphone"]
    else:
        assert "canPublishSources" not in video
    assert claims["sub"] == identity
    assert claims["exp"] - claims["nbf"] == 120
    assert body["role"] == role and body["url"] == settings.livekit.public_url


async def test_client_admin_gives_the_owner_alone_room_admin(api: Any, settings: Any, room_name: str) -> None:
    room = await _room(api, room_name, client_admin=True)
    assert room["client_admin"] is True
    await make_admin(api, room_name, "ada", owner="owner")

    async def video(identity: str) -> dict[str, Any]:
        response = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": identity})
        assert response.status_code == 201, response.text
        assert response.json()["grants"]["room_admin"] is (
            "roomAdmin" in _claims(response.json()["token"], settings)["video"]
        )
        return _claims(response.json()["token"], settings)["video"]  # type: ignore[no-any-return]

    assert (await video("owner"))["roomAdmin"] is True
    assert "roomAdmin" not in await video("ada") and "roomAdmin" not in await video("mem")
    # Turned off, the next owner token is an ordinary one.
    patched = await api.patch(f"/v1/rooms/{room_name}", json={"client_admin": False})
    assert patched.status_code == 200 and patched.json()["client_admin"] is False
    assert "roomAdmin" not in await video("owner")


async def test_rooms_write_joins_member_or_audience_only(
    api: Any, anon: Any, caller_token: Any, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    writer = {"Authorization": f"Bearer {caller_token(scopes=['rooms:write', 'rooms:read'])}"}

    async def role_row(identity: str) -> str | None:
        async with session_factory() as session:
            query = (
                select(Participant.role)
                .join(Room)
                .where(Room.name == room_name, Participant.identity == identity)
            )
            return (await session.execute(query)).scalar_one_or_none()

    # The join refuses to grant admin, to anyone, with any scope: nothing is written.
    for client, headers in ((anon, writer), (api, {})):
        refused = await client.post(
            f"/v1/rooms/{room_name}/participants", json={"identity": "eve", "role": "admin"}, headers=headers
        )
        assert problem(refused, 403, "role-requires-moderation")["field"] == "role"
    assert await role_row("eve") is None
    # PATCH neither promotes a member nor demotes an admin.
    assert (
        await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "eve"})
    ).status_code == 201
    refused = await api.patch(f"/v1/rooms/{room_name}/participants/eve", json={"role": "admin", "name": "E"})
    assert problem(refused, 403, "role-requires-moderation")["field"] == "role"
    assert await role_row("eve") == "member"
    await make_admin(api, room_name, "ada", owner="owner")
    for request in (
        api.patch(f"/v1/rooms/{room_name}/participants/ada", json={"role": "audience"}),
        api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "ada", "role": "member"}),
    ):
        assert problem(await request, 403, "role-requires-moderation")["field"] == "role"
    assert await role_row("ada") == "admin"
    # What the identity already holds is no grant: an admin rejoins as admin, with or without asking.
    for body in ({"identity": "ada"}, {"identity": "ada", "role": "admin"}):
        rejoined = await anon.post(f"/v1/rooms/{room_name}/participants", json=body, headers=writer)
        assert rejoined.status_code == 201 and rejoined.json()["role"] == "admin"
    # member and audience stay the backend's choice.
    audience = await anon.post(
        f"/v1/rooms/{room_name}/participants", json={"identity": "eve", "role": "audience"}, headers=writer
    )
    assert audience.json()["role"] == "audience" and await role_row("eve") == "audience"


async def test_join_writes_one_membership_row(api: Any, session_factory: Any, room_name: str) -> None:
    await _room(api, room_name)
    for _ in range(2):
        response = await api.post(
            f"/v1/rooms/{room_name}/participants", json={"identity": "repeat", "attributes": {"team": "a"}}
        )
        assert response.status_code == 201
    async with session_factory() as session:
        rows = list(
            (
                await session.execute(
                    select(Participant)
                    .join(Room)
                    .where(Room.name == room_name, Participant.identity == "repeat")
                )
            ).scalars()
        )
    assert len(rows) == 1
    assert rows[0].role == "member" and rows[0].state == "invited" and rows[0].attributes == '{"team":"a"}'


async def test_creator_defaults_to_owner_and_owner_is_reserved(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    owner = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "owner"})
    assert owner.json()["role"] == "owner"
    problem(
        await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "mallory", "role": "owner"}),
        403,
        "owner-role-reserved",
    )


async def test_banned_identity_is_refused_with_expiry(api: Any, session_factory: Any, room_name: str) -> None:
    await _room(api, room_name)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    async with session_factory() as session, session.begin():
        room = (await session.execute(select(Room).where(Room.name == room_name))).scalar_one()
        session.add(Ban(room_id=room.id, identity="troll", expires_at=expires, reason="spam"))
        session.add(
            Ban(
                room_id=room.id,
                identity="old-troll",
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
            )
        )
    body = problem(
        await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "troll"}),
        403,
        "identity-banned",
    )
    assert body["ban_expires_at"].startswith(expires.replace(tzinfo=None).isoformat()[:19])
    expired = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "old-troll"})
    assert expired.status_code == 201


async def test_invite_only_room_needs_invitation_or_admin_scope(
    api: Any, anon: Any, caller_token: Any, room_name: str
) -> None:
    await _room(api, room_name, invite_on=True)
    writer = {"Authorization": f"Bearer {caller_token(scopes=['rooms:write', 'rooms:read'])}"}
    problem(
        await anon.post(f"/v1/rooms/{room_name}/participants", json={"identity": "guest"}, headers=writer),
        403,
        "invitation-required",
    )
    assert (
        await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "guest"})
    ).status_code == 201

    invited = await anon.post(
        f"/v1/rooms/{room_name}/invitations", json={"identities": ["guest"]}, headers=writer
    )
    assert invited.status_code == 201, invited.text
    accepted = await anon.post(f"/v1/invitations/{invited.json()['items'][0]['id']}/accept", headers=writer)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["identity"] == "guest"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"identity": "bad identity"}, "identity"),
        ({"identity": "x" * 129}, "identity"),
        ({"identity": "émile"}, "identity"),
        ({"identity": "ok", "role": "king"}, "role"),
        ({"identity": "ok", "ttl": 5}, "ttl"),
        ({"identity": "ok", "attributes": {"k": 1}}, "attributes"),
    ],
)
async def test_bad_join_input_is_400(api: Any, room_name: str, body: dict[str, Any], field: str) -> None:
    await _room(api, room_name)
    result = problem(
        await api.post(f"/v1/rooms/{room_name}/participants", json=body), 400, "validation-failed"
    )
    assert field in result["detail"]


async def test_ttl_above_maximum_is_400(api: Any, settings: Any, room_name: str) -> None:
    await _room(api, room_name)
    response = await api.post(
        f"/v1/rooms/{room_name}/participants", json={"identity": "ok", "ttl": settings.tokens.max_ttl + 1}
    )
    assert problem(response, 400, "bad-request")["field"] == "ttl"


async def test_join_unknown_room_is_404(api: Any) -> None:
    problem(await api.post("/v1/rooms/nope-404/participants", json={"identity": "a"}), 404, "room-not-found")
