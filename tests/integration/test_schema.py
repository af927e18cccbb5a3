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
