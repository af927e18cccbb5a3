"""The event feed is gap-free: ids commit out of order, the stream and the listing still miss nothing.

A long transaction inserts an event (a low id) and commits only after many concurrent API writes
have committed events with higher ids — as the webhook applier does with its batches. On the real
MariaDB and the real API process: the set of streamed ids equals the set stored, no id twice, a resume
from any Last-Event-ID misses nothing, and a walk of `GET /v1/events` sees every event once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import select

from roomsvc.events.models import Event
from roomsvc.events.service import emit
from roomsvc.events.types import EventType
from tests.support import DEFAULT_PROJECT_ID, eventually

WRITES = 40


class SSEReader:
    """A minimal SSE client over httpx: collects events (id, type, data) and comments as they arrive."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.events: list[dict[str, str]] = []
        self.comments: list[str] = []
        self.ended = asyncio.Event()

    async def run(self) -> None:
        current: dict[str, str] = {}
        try:
            async for line in self.response.aiter_lines():
                if not line:
                    if "data" in current:
                        self.events.append(current)
                    current = {}
                elif line.startswith(":"):
                    self.comments.append(line[1:].strip())
                else:
                    key, _, value = line.partition(":")
                    current[key] = value.strip()
        except httpx.HTTPError:
            pass  # the test closed the stream
        finally:
            self.ended.set()

    @property
    def ids(self) -> list[str]:
        return [e["id"] for e in self.events]


async def _stored(session_factory: Any, room: str) -> list[tuple[int, str, int | None]]:
    async with session_factory() as session:
        rows = await session.execute(
            select(Event.id, Event.public_id, Event.seq).where(Event.room_name == room).order_by(Event.id)
        )
        return [(r.id, r.public_id, r.seq) for r in rows]


async def _walk_listing(api: Any, room: str) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"room": room, "limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = (await api.get("/v1/events", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


def _updates(reader: SSEReader) -> int:
    """How many room.updated events the stream has sent (the writes' events)."""
    return sum(1 for e in reader.events if json.loads(e["data"])["type"] == "room.updated")


async def test_late_commit_of_a_low_id_is_streamed_listed_and_resumed(
    api: Any, session_factory: Any, room_name: str
) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    rows = await eventually(
        lambda: _stored(session_factory, room_name),
        check=lambda rows: bool(rows) and all(seq is not None for _, _, seq in rows),
        what="room.created sequenced",
    )
    anchor = rows[0][1]  # room.created: the stream resumes after it, so what it owes is exact

    headers = {"Last-Event-ID": anchor}
    async with api.stream(
        "GET", "/v1/events/stream", params={"room": room_name}, headers=headers
    ) as response:
        assert response.status_code == 200
        reader = SSEReader(response)
        reading = asyncio.create_task(reader.run())

        # The long transaction: its event takes an id now and commits last.
        async with session_factory() as long_tx, long_tx.begin():
            late = await emit(
                long_tx,
                EventType.ROOM_UPDATED,
                room=room_name,
                project_id=DEFAULT_PROJECT_ID,
                data={  # a room.updated as the API writes it (emit checks data against its schema)
                    "room_sid": None,
                    "creator": "o",
                    "call_type": "video",
                    "max_participants": 0,
                    "metadata": "late",
                },
            )
            late_id, late_public_id = late.id, late.public_id

            async def write(n: int) -> None:
                patch = await api.patch(f"/v1/rooms/{room_name}", json={"metadata": str(n)})
                assert patch.status_code == 200, patch.text

            await asyncio.gather(*(write(n) for n in range(WRITES)))
            # Events with higher ids are committed and streamed while the low id is still open. Counted
            # by type: LiveKit's room.started may be streamed meanwhile too, before the last write's event.
            await eventually(
                lambda: asyncio.sleep(0, _updates(reader)),
                check=lambda n: n >= WRITES,
                what="the concurrent writes' events streamed",
            )
            assert late_public_id not in reader.ids
            # Committed before the late event: the writes' events, streamed while it was open. (Not
            # every higher id: LiveKit's room.started for this room is applied by `roomsvc jobs` when
            # its webhook comes, and may take an id after the late one and commit after it.)
            committed_before = set(reader.ids)
            # committed here, after every higher id

        await eventually(
            lambda: asyncio.sleep(0, set(reader.ids)),
            check=lambda ids: late_public_id in ids,
            what="the late event streamed",
        )
        stored = await eventually(
            lambda: _stored(session_factory, room_name),
            check=lambda rows: all(seq is not None for _, _, seq in rows),
            what="every event of the room sequenced",
        )
        await asyncio.sleep(0.5)  # not an assertion: lets a wrongly duplicated event show up
        reading.cancel()

    seq_of = {public_id: seq for _, public_id, seq in stored}
    by_seq = sorted(seq_of, key=lambda public_id: seq_of[public_id] or 0)
    owed = by_seq[by_seq.index(anchor) + 1 :]
    later_ids = [p for event_id, p, _ in stored if event_id > late_id and p in committed_before]
    assert len(later_ids) >= WRITES, "the scenario needs higher ids committed first"
    # Commit order: the late event's place in the feed is after every write it lost to.
    assert all(seq_of[late_public_id] > seq_of[p] for p in later_ids)
    # The stream owed exactly these events, and sent each once, in the feed's order.
    assert reader.ids == owed[: len(reader.ids)]
    assert set(reader.ids) == set(owed)
    assert len(reader.ids) == len(set(reader.ids)), "an event streamed twice"
    assert json.loads(reader.events[reader.ids.index(late_public_id)]["data"])["data"]["metadata"] == "late"

    # Resuming from any event misses nothing after it.
    for resume_from in (reader.ids[0], reader.ids[WRITES // 2]):
        expected = by_seq[by_seq.index(resume_from) + 1 :]
        async with api.stream(
            "GET", "/v1/events/stream", params={"room": room_name}, headers={"Last-Event-ID": resume_from}
        ) as response:
            resumed = SSEReader(response)
            task = asyncio.create_task(resumed.run())
            await eventually(
                lambda r=resumed: asyncio.sleep(0, len(r.events)),  # type: ignore[misc]
                check=lambda n, want=len(expected): n >= want,  # type: ignore[misc]
                what="the resumed stream caught up",
            )
            task.cancel()
        assert resumed.ids[: len(expected)] == expected

    # The listing, newest first in the same order, shows every stored event exactly once.
    listed = await _walk_listing(api, room_name)
    assert len(listed) == len(set(listed)) and set(listed) >= set(seq_of)
    assert [p for p in listed if p in seq_of] == list(reversed(by_seq))
