"""GET /v1/usage over call records produced by the webhook recorder (calls/recorder.py), in a project of
each test's own: totals equal the call records, sessions split at UTC midnight, peak concurrency from the
session intervals, open sessions counted up to now, tenant isolation, pagination and bad input."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from roomsvc.auth import mint_caller_token
from roomsvc.calls import recorder
from roomsvc.credentials import service as credential_service
from roomsvc.rooms.models import Room
from tests.support import DEFAULT_PROJECT_ID, problem

D1 = dt.datetime(2025, 3, 10, tzinfo=dt.UTC)
D2, D3 = D1 + dt.timedelta(days=1), D1 + dt.timedelta(days=2)
RANGE = {"from": "2025-03-10", "to": "2025-03-13"}


def at(day: dt.datetime, hhmm: str) -> dt.datetime:
    hours, minutes = hhmm.split(":")
    return day + dt.timedelta(hours=int(hours), minutes=int(minutes))


@dataclass
class Tenant:
    public_id: str
    id: int
    client: httpx.AsyncClient


@pytest.fixture
async def tenant(api_server: str, session_factory: Any, settings: Any) -> AsyncIterator[Tenant]:
    """A project of this test's own with a credential holding every project scope."""
    public_id = f"u-{uuid.uuid4().hex[:10]}"
    async with session_factory() as session, session.begin():
        project = await credential_service.create_project(session, public_id)
        credential, secret = await credential_service.create_credential(
            session,
            master_key=settings.secret_key,
            name="usage test",
            scopes=credential_service.PROJECT_SCOPES,
            project=public_id,
        )
        project_id = project.id
    token = mint_caller_token(
        credential_id=credential.public_id,
        secret=secret,
        audience=settings.caller_auth.audience,
        scopes=list(credential_service.PROJECT_SCOPES),
        ttl=3600,
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as client:
        yield Tenant(public_id, project_id, client)


async def make_room(session_factory: Any, project_id: int, project: str) -> Room:
    name = f"use-{uuid.uuid4().hex[:10]}"
    async with session_factory() as session, session.begin():
        room = Room(
            project_id=project_id,
            name=name,
            livekit_name=name if project_id == DEFAULT_PROJECT_ID else f"{project}~{name}",
            status="active",
            creator="owner",
            owner="owner",
            spec_hash="usage-test",
            created_by="usage-test",
        )
        session.add(room)
    return room


Session = tuple[str, dt.datetime, dt.datetime | None]  # identity, joined, left (None: still connected)


async def record_call(
    session_factory: Any,
    room: Room,
    started: dt.datetime,
    ended: dt.datetime | None,
    sessions: list[Session],
    *,
    kind: str = "standard",
) -> str:
    """One call as the webhook handler records it: room_started, each participant's joined and left,
    room_finished (unless ``ended`` is None: the call is still live)."""
    sid = f"RM_{uuid.uuid4().hex[:12]}"
    async with session_factory() as session, session.begin():
        row = await session.get(Room, room.id, with_for_update=True)
        assert row is not None
        await recorder.room_started(session, row, sid, started)
        for identity, joined, left in sessions:
            fact = recorder.ParticipantFact(
                sid=f"PA_{uuid.uuid4().hex[:12]}", identity=identity, kind=kind, joined_at=joined
            )
            await recorder.participant_joined(session, row, sid, fact, joined)
            if left is not None:
                await recorder.participant_left(session, row, sid, fact, left, "client_initiated")
        if ended is not None:
            await recorder.room_finished(session, row, sid, ended)
    return sid


async def usage(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/usage", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def all_items(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await usage(client, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
async def recorded(tenant: Tenant, session_factory: Any) -> dict[str, Room]:
    """Two rooms, three calls over three UTC days (see the expected figures in the tests).

    R1, call 1 (D1 09:55-11:40): A 10:00-11:00, B 10:30-11:30, C 10:45-10:50, D 11:00-11:20 (A, B and C
    overlap: peak 3; D joins as A leaves: not concurrent with A).
    R1, call 2 (D1 23:00 - D2 01:00): E D1 23:30 - D2 00:45 (30 min on D1, 45 on D2), F D2 00:00-00:30.
    R2, call 3 (D3 12:00-12:30): G twice, back to back (12:00-12:10, 12:10-12:20), and an agent all along.
    """
    r1 = await make_room(session_factory, tenant.id, tenant.public_id)
    r2 = await make_room(session_factory, tenant.id, tenant.public_id)
    await record_call(
        session_factory,
        r1,
        at(D1, "09:55"),
        at(D1, "11:40"),
        [
            ("a", at(D1, "10:00"), at(D1, "11:00")),
            ("b", at(D1, "10:30"), at(D1, "11:30")),
            ("c", at(D1, "10:45"), at(D1, "10:50")),
            ("d", at(D1, "11:00"), at(D1, "11:20")),
        ],
    )
    await record_call(
        session_factory,
        r1,
        at(D1, "23:00"),
        at(D2, "01:00"),
        [("e", at(D1, "23:30"), at(D2, "00:45")), ("f", at(D2, "00:00"), at(D2, "00:30"))],
    )
    call3 = await record_call(
        session_factory,
        r2,
        at(D3, "12:00"),
        at(D3, "12:30"),
        [("g", at(D3, "12:00"), at(D3, "12:10")), ("g", at(D3, "12:10"), at(D3, "12:20"))],
    )
    async with session_factory() as session, session.begin():  # an agent in call 3: not a participant
        row = await session.get(Room, r2.id, with_for_update=True)
        assert row is not None
        fact = recorder.ParticipantFact(sid=f"PA_{uuid.uuid4().hex[:12]}", identity="agent-x", kind="agent")
        await recorder.participant_joined(session, row, call3, fact, at(D3, "12:00"))
        await recorder.participant_left(session, row, call3, fact, at(D3, "12:30"), "client_initiated")
    return {"r1": r1, "r2": r2}


def figures(item: dict[str, Any]) -> tuple[float, float, int]:
    return item["participant_minutes"], item["room_minutes"], item["peak_concurrency"]


async def test_per_day_splits_at_midnight_and_sweeps_the_peak(
    tenant: Tenant, recorded: dict[str, Room]
) -> None:
    page = await usage(tenant.client, **RANGE, group_by="day")
    assert page["from"] == "2025-03-10T00:00:00Z" and page["to"] == "2025-03-13T00:00:00Z"
    assert page["group_by"] == "day" and page["next_cursor"] is None
    by_day = {item["day"]: item for item in page["items"]}
    assert list(by_day) == ["2025-03-10", "2025-03-11", "2025-03-12"]
    assert all(item["project"] == tenant.public_id and item["room"] is None for item in page["items"])
    # D1: 60 + 60 + 5 + 20 + E's 30 before midnight; rooms 105 + 60; A, B and C at once.
    assert figures(by_day["2025-03-10"]) == (175.0, 165.0, 3)
    # D2: E's 45 after midnight + F's 30; call 2's last hour; E and F both from 00:00.
    assert figures(by_day["2025-03-11"]) == (75.0, 60.0, 2)
    # D3: G's two back-to-back sessions (never concurrent); the agent does not count.
    assert figures(by_day["2025-03-12"]) == (20.0, 30.0, 1)
    assert figures(page["totals"]) == (270.0, 255.0, 3)


async def test_totals_equal_the_sum_of_the_call_records(tenant: Tenant, recorded: dict[str, Room]) -> None:
    """Σ (left_at - joined_at) over the standard participant sessions of every call of the project, and
    Σ (ended_at - started_at) over its calls, as GET /v1/calls reports them."""
    calls = (await tenant.client.get("/v1/calls", params={"limit": 100})).json()["items"]
    assert len(calls) == 3
    participant_seconds = 0.0
    for call in calls:
        detail = (await tenant.client.get(f"/v1/calls/{call['id']}")).json()
        participant_seconds += sum(
            p["duration_seconds"] for p in detail["participants"] if p["kind"] == "standard"
        )
    call_seconds = sum(call["duration_seconds"] for call in calls)
    for group_by in ("day", "room", "project"):
        page = await usage(tenant.client, **RANGE, group_by=group_by)
        totals = page["totals"]
        assert totals["participant_minutes"] == pytest.approx(participant_seconds / 60, abs=0.001)
        assert totals["room_minutes"] == pytest.approx(call_seconds / 60, abs=0.001)
        items = await all_items(tenant.client, **RANGE, group_by=group_by)
        assert sum(i["participant_minutes"] for i in items) == pytest.approx(
            participant_seconds / 60, abs=0.01
        )
        assert sum(i["room_minutes"] for i in items) == pytest.approx(call_seconds / 60, abs=0.01)
        assert max(i["peak_concurrency"] for i in items) == totals["peak_concurrency"] == 3


async def test_per_room_and_per_project(tenant: Tenant, recorded: dict[str, Room]) -> None:
    rooms = {item["room"]: item for item in await all_items(tenant.client, **RANGE, group_by="room")}
    assert set(rooms) == {recorded["r1"].name, recorded["r2"].name}
    assert figures(rooms[recorded["r1"].name]) == (250.0, 225.0, 3)
    assert figures(rooms[recorded["r2"].name]) == (20.0, 30.0, 1)
    assert all(item["project"] == tenant.public_id and item["day"] is None for item in rooms.values())
    projects = await usage(tenant.client, **RANGE, group_by="project")
    assert [(p["project"], figures(p)) for p in projects["items"]] == [(tenant.public_id, (270.0, 255.0, 3))]
    # One room, per day; a range given as RFC 3339 times with offsets: D2 from 01:00+01:00 is D2 00:00Z.
    one_room = await usage(
        tenant.client,
        **{"from": "2025-03-11T01:00:00+01:00", "to": "2025-03-11T00:40:00Z"},
        group_by="day",
        room=recorded["r1"].name,
    )
    assert [item["day"] for item in one_room["items"]] == ["2025-03-11"]
    # E 00:00-00:40 and F 00:00-00:30; call 2 for 40 minutes.
    assert figures(one_room["items"][0]) == (70.0, 40.0, 2)
    # A range of one instant's neighbourhood: inside call 1, when A, B and C are connected.
    moment = await usage(
        tenant.client, **{"from": "2025-03-10T10:46:00Z", "to": "2025-03-10T10:47:00Z"}, group_by="project"
    )
    assert figures(moment["totals"]) == (3.0, 1.0, 3)


async def test_open_sessions_count_up_to_now(tenant: Tenant, session_factory: Any) -> None:
    room = await make_room(session_factory, tenant.id, tenant.public_id)
    now = dt.datetime.now(dt.UTC)
    started, joined = now - dt.timedelta(minutes=11), now - dt.timedelta(minutes=10)
    await record_call(session_factory, room, started, None, [("live", joined, None)])
    around = {
        "from": (now - dt.timedelta(hours=1)).isoformat(),
        "to": (now + dt.timedelta(hours=1)).isoformat(),
    }
    page = await usage(tenant.client, **around, group_by="room")
    as_of = dt.datetime.fromisoformat(page["as_of"])
    assert as_of >= now
    [item] = page["items"]
    assert item["room"] == room.name and item["peak_concurrency"] == 1
    assert item["participant_minutes"] == pytest.approx((as_of - joined).total_seconds() / 60, abs=0.002)
    assert item["room_minutes"] == pytest.approx((as_of - started).total_seconds() / 60, abs=0.002)
    assert item["participant_minutes"] >= 10


async def test_another_projects_calls_are_never_counted(
    tenant: Tenant, recorded: dict[str, Room], api: httpx.AsyncClient, session_factory: Any
) -> None:
    """The default project has a call at the same times: the tenant's figures do not move, and the
    default project's own report does include it (the filter is by project, not a broken query)."""
    before = await usage(tenant.client, **RANGE, group_by="day")
    other = await make_room(session_factory, DEFAULT_PROJECT_ID, "default")
    await record_call(
        session_factory, other, at(D1, "10:00"), at(D1, "12:00"), [("zed", at(D1, "10:00"), at(D1, "12:00"))]
    )
    after = await usage(tenant.client, **RANGE, group_by="day")
    assert after["items"] == before["items"] and after["totals"] == before["totals"]
    tenant_rooms = await all_items(tenant.client, **RANGE, group_by="room")
    assert other.name not in {item["room"] for item in tenant_rooms}
    theirs = await usage(api, **RANGE, group_by="room", room=other.name)
    assert [figures(item) for item in theirs["items"]] == [(120.0, 120.0, 1)]
    assert theirs["items"][0]["project"] == "default"
    # The tenant cannot name the other project's room: 404 as for a missing one.
    problem(await tenant.client.get("/v1/usage", params={**RANGE, "room": other.name}), 404, "room-not-found")


async def test_a_platform_caller_naming_no_project_sees_every_project(
    tenant: Tenant, recorded: dict[str, Room], api_server: str, platform_token: str
) -> None:
    headers = {"Authorization": f"Bearer {platform_token}"}
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as platform:
        projects = await all_items(platform, **RANGE, group_by="project", limit=1)
        by_project = {item["project"]: item for item in projects}
        assert {"default", tenant.public_id} <= set(by_project)
        assert figures(by_project[tenant.public_id]) == (270.0, 255.0, 3)
        # Naming a room needs a project.
        response = await platform.get("/v1/usage", params={**RANGE, "room": recorded["r1"].name})
        assert problem(response, 400, "project-required")["field"] == "Roomsvc-Project"
        # In the tenant's project, exactly what the tenant sees.
        every = await usage(platform, **RANGE, group_by="day")  # every project: at least the tenant's
        assert every["totals"]["participant_minutes"] >= 270.0
        assert all(item["project"] is None for item in every["items"])
    headers["Roomsvc-Project"] = tenant.public_id
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as platform:
        theirs, own = await usage(platform, **RANGE), await usage(tenant.client, **RANGE)
        assert (theirs["items"], theirs["totals"]) == (own["items"], own["totals"])
        mine = await usage(platform, **RANGE, group_by="room")
        assert {item["room"] for item in mine["items"]} == {recorded["r1"].name, recorded["r2"].name}


async def test_pages_follow_the_cursor(tenant: Tenant, session_factory: Any) -> None:
    rooms = [await make_room(session_factory, tenant.id, tenant.public_id) for _ in range(3)]
    for minutes, room in enumerate(rooms, start=1):
        end = at(D1, "10:00") + dt.timedelta(minutes=minutes)
        await record_call(session_factory, room, at(D1, "10:00"), end, [("p", at(D1, "10:00"), end)])
    first = await usage(tenant.client, **RANGE, group_by="room", limit=2)
    assert [i["room"] for i in first["items"]] == [rooms[0].name, rooms[1].name]
    assert first["next_cursor"]
    second = await usage(tenant.client, **RANGE, group_by="room", limit=2, cursor=first["next_cursor"])
    assert [i["room"] for i in second["items"]] == [rooms[2].name] and second["next_cursor"] is None
    assert [i["participant_minutes"] for i in first["items"] + second["items"]] == [1.0, 2.0, 3.0]
    assert second["totals"] == first["totals"] and first["totals"]["participant_minutes"] == 6.0
    # Days: every day of the range, with no usage or not, 2 a page, in order.
    days = {"from": "2025-03-09", "to": "2025-03-14"}
    pages = []
    cursor = None
    while True:
        page = await usage(tenant.client, **days, limit=2, **({"cursor": cursor} if cursor else {}))
        pages.append([item["day"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [["2025-03-09", "2025-03-10"], ["2025-03-11", "2025-03-12"], ["2025-03-13"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday", "to": "2025-03-13"}, "from"),
        ({"from": "2025-03-10", "to": "2025-02-30"}, "to"),
        ({"from": "2025-03-10T00:00:00", "to": "2025-03-13"}, "from"),  # no offset
        ({"from": "2025-03-10", "to": "2025-03-10"}, "to"),  # empty range
        ({"from": "2025-03-12", "to": "2025-03-10"}, "to"),  # reversed
        ({"from": "2024-01-01", "to": "2025-03-10"}, "from"),  # over 366 days
        ({"from": "0001-01-01", "to": "0001-02-01"}, "from"),  # outside what the database holds
        ({"from": "2025-03-10", "to": "2025-03-13", "cursor": "nope"}, "cursor"),
    ],
)
async def test_bad_input_names_the_field(tenant: Tenant, params: dict[str, str], field: str) -> None:
    response = await tenant.client.get("/v1/usage", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == field, response.json()


async def test_bad_group_by_and_limit_are_400(tenant: Tenant) -> None:
    for params, field in (({"group_by": "week"}, "group_by"), ({"limit": "0"}, "limit")):
        response = await tenant.client.get("/v1/usage", params={**RANGE, **params})
        assert response.status_code == 400, response.text
        assert field in response.text
    # With neither bound: the last 30 days up to now.
    page = await usage(tenant.client)
    start, end = dt.datetime.fromisoformat(page["from"]), dt.datetime.fromisoformat(page["to"])
    assert end - start == dt.timedelta(days=30) and end == dt.datetime.fromisoformat(page["as_of"])
    assert len(page["items"]) in (30, 31) and page["totals"]["participant_minutes"] == 0
