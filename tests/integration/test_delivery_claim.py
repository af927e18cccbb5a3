"""The relay's claim step (``events.jobs.claim``): how much it reads when the table's statistics are stale.

The claim finds the head of each (subscription, room), its oldest pending delivery, with a grouped
derived table joined back to the deliveries. With statistics gathered while the table was nearly empty
(a new deployment's first burst; every fresh test database), MariaDB chose to evaluate that derived
table once per delivery row of the subscription (a LATERAL DERIVED plan): rows read grew with the
square of the subscription's history. On a loaded machine, tests/faults/test_delivery_slow_subscriber.py
showed claims of 0.6-17 s (the slow query log: this statement reading ~500,000 rows to return 47 heads),
the relay sending nothing meanwhile, and missed its 120 s bound as CI did. With the heads materialized
first (STRAIGHT_JOIN), a claim reads the pending rows and the heads it returns, however much history
the subscription has.

The measures are the plan the server chose for the claim's own statement, and the server's count of
rows read by this connection (``Handler_read_*``), not time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text

from tests.support import emit_room_updates

ROOMS = 20
PENDING_PER_ROOM = 10
STATISTICS_ROWS = 5  # rows in the table when its statistics were taken (the real run's said 8)
HISTORY = 1500  # delivered rows of the same subscription, as a relay that has been running leaves them


async def _rows_read(session: Any) -> int:
    counters = await session.execute(text("SHOW SESSION STATUS LIKE 'Handler_read%'"))
    return sum(int(value) for _, value in counters.tuples())


async def test_a_claim_reads_the_pending_rows_not_the_history_when_statistics_are_stale(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory
    from roomsvc.events.jobs import claim

    settings = load_settings(
        stack_env | {"DATABASE_URL": isolated_db, "ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY": str(ROOMS)}
    )
    engine = create_engine(settings.database)
    factory = create_session_factory(engine)
    try:
        async with make_client(DATABASE_URL=isolated_db) as client:
            created = await client.post(
                "/v1/event-subscriptions", json={"url": "http://127.0.0.1:9/hook", "event_types": ["room.*"]}
            )
            assert created.status_code == 201, created.text

        async def backlog(prefix: str, per_room: int, rooms: int = ROOMS) -> dict[str, list[str]]:
            return await emit_room_updates(factory, f"{room_name}-{prefix}", rooms=rooms, per_room=per_room)

        # Statistics of a nearly empty table, frozen: what the optimizer sees before InnoDB recomputes.
        await backlog("first", 1, rooms=STATISTICS_ROWS)
        async with factory() as session, session.begin():
            await session.execute(text("UPDATE event_deliveries SET status = 'delivered'"))
        async with engine.connect() as connection:
            await connection.execute(text("ALTER TABLE event_deliveries STATS_AUTO_RECALC = 0"))
            await connection.execute(text("ANALYZE TABLE event_deliveries"))
        await backlog("history", HISTORY // ROOMS)
        async with factory() as session, session.begin():
            await session.execute(text("UPDATE event_deliveries SET status = 'delivered'"))
        now = await backlog("now", PENDING_PER_ROOM)
        pending = ROOMS * PENDING_PER_ROOM

        statements: list[tuple[str, Any]] = []

        def capture(
            conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
        ) -> None:
            statements.append((statement, parameters))

        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        async with factory() as session, session.begin():
            before = await _rows_read(session)
            claimed = await claim(session, settings.jobs, settings.secret_key, batch=ROOMS)
            read = await _rows_read(session) - before
            await session.rollback()
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
        heads = [(s, p) for s, p in statements if "GROUP BY" in s and "JOIN" in s]
        assert len(heads) == 1, statements
        async with engine.connect() as connection:
            plan = (await connection.exec_driver_sql("EXPLAIN " + heads[0][0], heads[0][1])).mappings().all()
        # The heads are materialized first, then each joins its delivery; never evaluated per row.
        assert plan[0]["table"].startswith("<derived"), plan
        assert not any("LATERAL" in row["select_type"] for row in plan), plan
        # The head of every room: its first pending event.
        assert sorted(c.event_public_id for c in claimed) == sorted(ids[0] for ids in now.values())
        # The pending rows a few times over (the derived table, the in-flight count, the joins back) and
        # a little for the SHOW itself, never the history: the LATERAL DERIVED plan read the
        # subscription's rows once per joined row.
        assert read < 10 * pending + 1000, f"the claim read {read} rows for {pending} pending deliveries"
    finally:
        await engine.dispose()
