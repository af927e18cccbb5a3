"""``db.write_modified`` on the real MariaDB: a batch's changes to rows it read, one UPDATE per table and
set of changed columns instead of one per row.

- every changed value lands in its row, aware UTC datetimes included, and ``updated_at`` moves on as the
  unit of work's UPDATE would move it;
- the objects are clean afterwards: the flush that follows sends no UPDATE for them;
- an object of a class not named is left to the flush.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, event, select

from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.db import utcnow, write_modified


async def test_changes_are_written_per_table_and_column_set_and_leave_nothing_to_flush(
    session_factory: Any,
) -> None:
    tag = uuid.uuid4().hex[:10]
    before = utcnow().replace(microsecond=0) - dt.timedelta(hours=1)
    async with session_factory() as session, session.begin():
        rs = RoomSession(room_name=f"wm-{tag}", sid=f"RM_wm_{tag}", created_at=before, updated_at=before)
        session.add(rs)
        await session.flush()
        people = [
            ParticipantSession(
                room_session_id=rs.id, sid=f"PA_wm_{tag}_{n}", identity=f"p{n}", updated_at=before
            )
            for n in range(3)
        ]
        track = Track(
            room_session_id=rs.id,
            sid=f"TR_wm_{tag}",
            participant_sid="x",
            identity="p0",
            kind="audio",
            source="x",
        )
        session.add_all([*people, track])
        rs_id = rs.id
        await session.flush()
        ids = [ps.id for ps in people]

    left = [utcnow().replace(microsecond=0) - dt.timedelta(minutes=n) for n in (1, 2)]
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("UPDATE"):
            statements.append(statement)

    try:
        async with session_factory() as session, session.begin():
            engine = session.bind.sync_engine
            event.listen(engine, "before_cursor_execute", note)
            rows = {
                ps.id: ps
                for ps in (
                    await session.execute(select(ParticipantSession).where(ParticipantSession.id.in_(ids)))
                ).scalars()
            }
            room_session = await session.get(RoomSession, rs_id)
            moved = await session.get(Track, track.id)
            assert room_session is not None and moved is not None
            for n in (0, 1):
                rows[ids[n]].left_at, rows[ids[n]].disconnect_reason = left[n], f"reason-{n}"
            rows[ids[2]].name = "renamed"
            rows[ids[2]].identity = rows[ids[2]].identity  # no net change: not a column set of its own
            room_session.peak_participants = 3
            moved.unpublished_at = left[0]

            assert await write_modified(session, (ParticipantSession, RoomSession)) == 4
            # Two column sets of participant sessions, one of room sessions: three statements for four rows.
            assert len(statements) == 3
            await session.flush()
            # Only the track, a class not named, is left to the unit of work.
            assert len(statements) == 4 and statements[-1].startswith("UPDATE tracks")
        event.remove(engine, "before_cursor_execute", note)

        async with session_factory() as session:
            stored = {
                ps.id: ps
                for ps in (
                    await session.execute(select(ParticipantSession).where(ParticipantSession.id.in_(ids)))
                ).scalars()
            }
            for n in (0, 1):
                assert stored[ids[n]].left_at == left[n] and stored[ids[n]].disconnect_reason == f"reason-{n}"
                assert stored[ids[n]].name == ""
            assert stored[ids[2]].name == "renamed" and stored[ids[2]].left_at is None
            assert all(ps.updated_at > before for ps in stored.values())
            room_session = await session.get(RoomSession, rs_id)
            assert room_session is not None and room_session.peak_participants == 3
            assert room_session.updated_at > before
            assert (await session.get(Track, track.id)).unpublished_at == left[0]  # type: ignore[union-attr]
    finally:
        async with session_factory() as session, session.begin():
            await session.execute(delete(RoomSession).where(RoomSession.id == rs_id))
