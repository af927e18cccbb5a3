"""Alembic is the only source of schema: upgrade head from empty works, and models agree with it."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from roomsvc.models import Base


async def test_migrations_match_models(migrated_db: str) -> None:
    # migrated_db dropped every table and ran `roomsvc migrate` (alembic upgrade head) from nothing.
    engine = create_async_engine(migrated_db)

    def diff(connection: Any) -> tuple[list[Any], set[str]]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata), set(inspect(connection).get_table_names())

    async with engine.connect() as connection:
        changes, tables = await connection.run_sync(diff)
    await engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert changes == [], f"models and migrations disagree: {changes}"


async def test_projects_migration_moves_existing_data_into_the_default_project(
    migrated_db: str, stack_env: dict[str, str]
) -> None:
    """A database at the revision before projects, with a credential, a room, an event and a subscription,
    upgraded: each belongs to project `default`, the room keeps its LiveKit name, and names are unique per
    project from then on."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from tests.stack import drop_database, run_cli

    url = make_url(migrated_db)
    name = f"{url.database}_pre_projects"
    engine = create_async_engine(migrated_db)
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        await connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    await engine.dispose()
    old_url = url.set(database=name).render_as_string(hide_password=False)
    env = dict(stack_env) | {"DATABASE_URL": old_url}
    try:
        run_cli(env, "migrate", "0005_merge")
        old = create_async_engine(old_url)
        async with old.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO caller_credentials (public_id, name, scopes, secret_ciphertext, created_at) "
                    "VALUES ('cred_old', 'old', 'rooms:read', 'x', UTC_TIMESTAMP(6))"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO rooms (name, status, creator, owner, call_type, invite_on, max_participants, "
                    "empty_timeout, departure_timeout, metadata, seats, seat_mode, spec_hash, created_by, "
                    "created_at, updated_at) VALUES ('standup-42', 'created', 'a', 'a', 'video', 0, 0, 300, "
                    "20, '', 0, 'free', 'h', 'cred_old', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO events (public_id, seq, type, room_name, occurred_at, data, created_at) "
                    "VALUES ('evt_old', 1, 'room.created', 'standup-42', UTC_TIMESTAMP(6), '{}', "
                    "UTC_TIMESTAMP(6))"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO event_subscriptions (public_id, url, description, event_types, secret_sealed, "
                    "status, consecutive_failures, created_by, created_at, updated_at) VALUES ('sub_old', "
                    "'https://example.com/h', '', '*', 'x', 'active', 0, 'cred_old', UTC_TIMESTAMP(6), "
                    "UTC_TIMESTAMP(6))"
                )
            )
        await old.dispose()
        run_cli(env, "migrate")
        new = create_async_engine(old_url)
        async with new.begin() as connection:
            default = (
                await connection.execute(text("SELECT id FROM projects WHERE public_id = 'default'"))
            ).scalar()
            assert default is not None
            for table in ("caller_credentials", "rooms", "events", "event_subscriptions"):
                owners = (
                    await connection.execute(text(f"SELECT DISTINCT project_id FROM {table}"))  # noqa: S608
                ).scalars()
                assert list(owners) == [default], table
            room = (await connection.execute(text("SELECT name, livekit_name FROM rooms"))).one()
            assert tuple(room) == ("standup-42", "standup-42")
            # Another project may now hold a room of the same name (under another LiveKit name).
            await connection.execute(
                text(
                    "INSERT INTO projects (public_id, name, created_at) VALUES ('acme', 'Acme', UTC_TIMESTAMP(6))"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO rooms (project_id, name, livekit_name, status, creator, owner, call_type, "
                    "invite_on, max_participants, empty_timeout, departure_timeout, metadata, seats, seat_mode, "
                    "spec_hash, created_by, created_at, updated_at) SELECT id, 'standup-42', 'acme~standup-42', "
                    "'created', 'b', 'b', 'video', 0, 0, 300, 20, '', 0, 'free', 'h', 'cred_new', "
                    "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM projects WHERE public_id = 'acme'"
                )
            )
            assert (await connection.execute(text("SELECT COUNT(*) FROM rooms"))).scalar() == 2
        await new.dispose()
    finally:
        await drop_database(old_url)
