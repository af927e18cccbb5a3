"""Room-wide controls over the API on the real stack: input, rank, tenancy, tokens, audit, event, expiry.

The live effect on connected clients (tracks removed, frames stopped, data refused, old tokens) is in
tests/e2e/test_room_controls.py.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import jwt
import pytest
from sqlalchemy import select

from roomsvc.events.models import Event
from tests.support import eventually, make_admin, problem, project_client

OFF = {
    "audio_disabled": False,
    "audio_disabled_until": None,
    "video_disabled": False,
    "video_disabled_until": None,
    "screen_share_disabled": False,
    "screen_share_disabled_until": None,
    "data_disabled": False,
    "data_disabled_until": None,
}


def _video(token: str, settings: Any) -> dict[str, Any]:
    claims = jwt.decode(
        token, settings.livekit.api_secret, algorithms=["HS256"], issuer=settings.livekit.api_key
    )
    return claims["video"]  # type: ignore[no-any-return]


async def _join(api: Any, room: str, identity: str, role: str | None = None) -> dict[str, Any]:
    body = {"identity": identity} | ({"role": role} if role else {})
    response = await api.post(f"/v1/rooms/{room}/participants", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def staffed(api: Any, room_name: str) -> str:
    """A video room owned by olivia, with admin ada, member mia, audience aud."""
    body = {"name": room_name, "creator": "olivia", "seats": 0, "call_type": "video"}
    assert (await api.post("/v1/rooms", json=body)).status_code == 201
    await make_admin(api, room_name, "ada", owner="olivia")
    await _join(api, room_name, "mia", "member")
    await _join(api, room_name, "aud", "audience")
    return room_name


async def test_controls_shape_tokens_of_members_not_admins(api: Any, settings: Any, staffed: str) -> None:
    assert (await api.get(f"/v1/rooms/{staffed}/controls")).json() == OFF
    assert (await api.get(f"/v1/rooms/{staffed}")).json()["controls"] == OFF

    changed = await api.patch(
        f"/v1/rooms/{staffed}/controls",
        json={"actor": "ada", "audio_disabled": True, "screen_share_disabled": True, "data_disabled": True},
    )
    assert changed.status_code == 200, changed.text
    expected = OFF | {"audio_disabled": True, "screen_share_disabled": True, "data_disabled": True}
    assert changed.json() == expected
    assert (await api.get(f"/v1/rooms/{staffed}/controls")).json() == expected
    assert (await api.get(f"/v1/rooms/{staffed}")).json()["controls"] == expected

    member = _video((await _join(api, staffed, "mia"))["token"], settings)
    assert member["canPublish"] is True and member["canPublishSources"] == ["camera"]
    assert member["canPublishData"] is False
    admin = _video((await _join(api, staffed, "ada"))["token"], settings)
    assert set(admin["canPublishSources"]) == {"camera", "microphone", "screen_share", "screen_share_audio"}
    assert admin["canPublishData"] is True
    owner = _video((await _join(api, staffed, "olivia"))["token"], settings)
    assert owner["canPublishData"] is True and "microphone" in owner["canPublishSources"]

    # The camera too: a member has nothing left to publish.
    await api.patch(f"/v1/rooms/{staffed}/controls", json={"actor": "ada", "video_disabled": True})
    member = _video((await _join(api, staffed, "mia"))["token"], settings)
    assert member["canPublish"] is False and member["canPublishData"] is False

    # Switched back on: a control left out keeps its state.
    back = await api.patch(
        f"/v1/rooms/{staffed}/controls",
        json={"actor": "olivia", "audio_disabled": False, "video_disabled": False},
    )
    assert back.json() == OFF | {"screen_share_disabled": True, "data_disabled": True}
    member = _video((await _join(api, staffed, "mia"))["token"], settings)
    assert set(member["canPublishSources"]) == {"camera", "microphone"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"actor": "ada", "audio_disabled": "yes"}, "audio_disabled"),
        ({"actor": "ada", "microphone_disabled": True}, "microphone_disabled"),
        ({"actor": "ada", "audio_disabled": True, "duration": 0}, "duration"),
        ({"actor": "ada", "audio_disabled": True, "duration": 365 * 86_400 + 1}, "duration"),
        ({"actor": "ada", "audio_disabled": True, "until": "2020-01-01T00:00:00Z"}, "until"),
        ({"actor": "ada", "audio_disabled": True, "until": "2099-01-01T00:00:00Z"}, "until"),
        ({"actor": "ada", "audio_disabled": True, "until": "2030-01-01T00:00:00"}, "until"),
        ({"actor": "ada", "audio_disabled": True, "until": "tomorrow"}, "until"),
        ({"actor": "ada", "audio_disabled": True, "duration": 60, "until": "2030-01-01T00:00:00Z"}, "until"),
        ({"actor": "ada", "audio_disabled": False, "duration": 60}, "duration"),
        ({"actor": "not valid", "audio_disabled": True}, "actor"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(
    api: Any, staffed: str, body: dict[str, Any], field: str
) -> None:
    response = await api.patch(f"/v1/rooms/{staffed}/controls", json=body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem_body = response.json()
    assert problem_body.get("field") == field or field in problem_body["detail"], problem_body
    assert (await api.get(f"/v1/rooms/{staffed}/controls")).json() == OFF  # nothing changed


async def test_a_patch_that_switches_nothing_changes_nothing(api: Any, staffed: str) -> None:
    response = await api.patch(f"/v1/rooms/{staffed}/controls", json={"actor": "ada"})
    assert response.status_code == 200, response.text
    assert response.json() == OFF
    audit = (await api.get(f"/v1/rooms/{staffed}/audit")).json()["items"]
    assert not [a for a in audit if a["action"] == "controls"]


@pytest.mark.parametrize(("actor", "code"), [("mia", "not-a-moderator"), ("aud", "not-a-moderator")])
async def test_only_owner_and_admins_change_controls(api: Any, staffed: str, actor: str, code: str) -> None:
    response = await api.patch(f"/v1/rooms/{staffed}/controls", json={"actor": actor, "audio_disabled": True})
    assert "may not" in problem(response, 403, code)["detail"]
    assert (await api.get(f"/v1/rooms/{staffed}/controls")).json() == OFF
    audit = (await api.get(f"/v1/rooms/{staffed}/audit")).json()["items"]
    assert "controls" not in [e["action"] for e in audit]


async def test_no_actor_needs_the_admin_scope(anon: Any, caller_token: Any, staffed: str) -> None:
    token = caller_token(scopes=["moderation", "rooms:read"])
    response = await anon.patch(
        f"/v1/rooms/{staffed}/controls",
        json={"audio_disabled": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    problem(response, 403, "actor-required")


async def test_another_projects_room_is_not_found(
    api: Any, api_server: str, session_factory: Any, settings: Any, staffed: str
) -> None:
    async with project_client(api_server, session_factory, settings, f"ctl-{uuid.uuid4().hex[:10]}") as other:
        missing = problem(await other.get(f"/v1/rooms/{staffed}/controls"), 404, "room-not-found")
        refused = problem(
            await other.patch(
                f"/v1/rooms/{staffed}/controls", json={"actor": "olivia", "audio_disabled": True}
            ),
            404,
            "room-not-found",
        )
        assert missing["detail"] == refused["detail"]
    assert (await api.get(f"/v1/rooms/{staffed}/controls")).json() == OFF


async def test_a_change_is_audited_with_its_event_and_a_no_op_is_not(
    api: Any, session_factory: Any, staffed: str
) -> None:
    changed = await api.patch(
        f"/v1/rooms/{staffed}/controls",
        json={"actor": "ada", "data_disabled": True, "duration": 600, "reason": "quiet please"},
    )
    assert changed.status_code == 200, changed.text
    until = dt.datetime.fromisoformat(changed.json()["data_disabled_until"])
    assert until > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=500)
    again = await api.patch(f"/v1/rooms/{staffed}/controls", json={"actor": "ada", "video_disabled": False})
    assert again.json() == changed.json()  # already off: nothing changed

    audit = (await api.get(f"/v1/rooms/{staffed}/audit")).json()["items"]
    entries = [e for e in audit if e["action"] == "controls"]
    assert len(entries) == 1, entries
    (entry,) = entries
    assert entry["actor"] == "ada" and entry["target"] is None and entry["reason"] == "quiet please"
    assert entry["params"]["changed"] == ["data"] and entry["params"]["applied_live"] == 0
    assert entry["params"]["controls"]["data_disabled"] is True
    assert dt.datetime.fromisoformat(entry["params"]["controls"]["data_disabled_until"]) == until

    async with session_factory() as session:
        rows = (
            await session.execute(
                select(Event).where(Event.room_name == staffed, Event.type == "room.controls_changed")
            )
        ).scalars()
        events = [json.loads(row.data) for row in rows]
    assert len(events) == 1
    assert events[0]["actor"] == "ada" and events[0]["params"] == entry["params"]


async def test_timed_controls_are_switched_off_by_the_jobs(
    api: Any, settings: Any, jobs_process: Any, staffed: str
) -> None:
    timed = await api.patch(
        f"/v1/rooms/{staffed}/controls",
        json={"actor": "ada", "audio_disabled": True, "duration": 1},
    )
    assert timed.status_code == 200 and timed.json()["audio_disabled"] is True
    await api.patch(f"/v1/rooms/{staffed}/controls", json={"actor": "ada", "video_disabled": True})

    async def expiry_entries() -> list[dict[str, Any]]:
        audit = (await api.get(f"/v1/rooms/{staffed}/audit")).json()["items"]
        return [e for e in audit if e["action"] == "controls" and e["reason"] == "controls expired"]

    (entry,) = await eventually(expiry_entries, timeout=20, what="the jobs switching audio back on")
    assert entry["actor"] is None and entry["caller"] == "system"
    assert entry["params"]["changed"] == ["audio"]
    assert (await api.get(f"/v1/rooms/{staffed}/controls")).json() == OFF | {"video_disabled": True}
    member = _video((await _join(api, staffed, "mia"))["token"], settings)
    assert "camera" not in member["canPublishSources"]  # the untimed video control stays
    assert "microphone" in member["canPublishSources"]
    types = [e["type"] for e in (await api.get("/v1/events", params={"room": staffed})).json()["items"]]
    assert types.count("room.controls_changed") == 3
