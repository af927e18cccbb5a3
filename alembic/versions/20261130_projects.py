"""Projects (tenants): every credential, room, event and subscription belongs to one

Existing data moves into the project ``default``. Room names become unique per project; the LiveKit
room name is a column of its own (``rooms.livekit_name``): ``<name>`` for the default project (so the
rooms LiveKit already holds keep their names) and ``<project>~<name>`` for the others (``~`` cannot
appear in a room name, so two projects' rooms never collide in LiveKit).

Revision ID: 0006_projects
Revises: 0005_merge
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0006_projects"
down_revision: str | None = "0005_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIN = "utf8mb4_bin"


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32, collation=BIN), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("public_id", name=op.f("uq_projects_public_id")),
    )
    op.execute(
        "INSERT INTO projects (id, public_id, name, created_at) "
        "VALUES (1, 'default', 'Default project', UTC_TIMESTAMP(6))"
    )
    for table in ("caller_credentials", "rooms", "events", "event_subscriptions"):
        op.add_column(table, sa.Column("project_id", sa.BigInteger(), nullable=False, server_default="1"))
        op.alter_column(table, "project_id", existing_type=sa.BigInteger(), server_default=None)
        op.create_foreign_key(
            op.f(f"fk_{table}_project_id_projects"), table, "projects", ["project_id"], ["id"]
        )
    op.add_column("rooms", sa.Column("livekit_name", sa.String(length=192, collation=BIN), nullable=True))
    op.execute("UPDATE rooms SET livekit_name = name")
    op.alter_column(
        "rooms", "livekit_name", existing_type=sa.String(length=192, collation=BIN), nullable=False
    )
    op.create_unique_constraint(op.f("uq_rooms_livekit_name"), "rooms", ["livekit_name"])
    op.create_unique_constraint(op.f("uq_rooms_project_id_name"), "rooms", ["project_id", "name"])
    op.drop_constraint(op.f("uq_rooms_name"), "rooms", type_="unique")
    op.create_index("ix_rooms_project_id_id", "rooms", ["project_id", "id"])
    op.create_index("ix_events_project_id_seq", "events", ["project_id", "seq"])
    op.create_index("ix_events_project_id_room_name_seq", "events", ["project_id", "room_name", "seq"])
    op.create_index("ix_event_subscriptions_project_id_id", "event_subscriptions", ["project_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_event_subscriptions_project_id_id", table_name="event_subscriptions")
    op.drop_index("ix_events_project_id_room_name_seq", table_name="events")
    op.drop_index("ix_events_project_id_seq", table_name="events")
    op.drop_index("ix_rooms_project_id_id", table_name="rooms")
    op.create_unique_constraint(op.f("uq_rooms_name"), "rooms", ["name"])
    op.drop_constraint(op.f("uq_rooms_project_id_name"), "rooms", type_="unique")
    op.drop_constraint(op.f("uq_rooms_livekit_name"), "rooms", type_="unique")
    op.drop_column("rooms", "livekit_name")
    for table in ("event_subscriptions", "events", "rooms", "caller_credentials"):
        op.drop_constraint(op.f(f"fk_{table}_project_id_projects"), table, type_="foreignkey")
        op.drop_column(table, "project_id")
    op.drop_table("projects")
