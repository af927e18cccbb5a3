"""agents (the agent names each project registers) and agent_dispatches (issue 16 part 6)

``agents.name`` is unique across projects: LiveKit agent names are global to the LiveKit server, so the
project that registered a name is the only one that may dispatch it. ``agent_dispatches.active`` is 1
while a dispatch is active and NULL once removed, so the unique key ``(room_id, agent_name, active)``
holds one active dispatch of an agent per room (docs/api.md#agents).

Revision ID: 0013_agent_dispatches
Revises: 0012_room_schedule
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0013_agent_dispatches"
down_revision: str | None = "0012_room_schedule"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bin(length: int) -> sa.String:
    return sa.String(length=length, collation="utf8mb4_bin")


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", _bin(64), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=256), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_agents_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("name", name=op.f("uq_agents_name")),
    )
    op.create_index("ix_agents_project_id_id", "agents", ["project_id", "id"], unique=False)
    op.create_table(
        "agent_dispatches",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", _bin(40), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("agent_name", _bin(64), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("livekit_dispatch_id", _bin(64), nullable=True),
        sa.Column("room_sid", _bin(64), nullable=True),
        sa.Column("dispatch_count", sa.Integer(), nullable=False),
        sa.Column("redispatch_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("dispatched_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("remove_reason", sa.String(length=64), nullable=True),
        sa.Column("removed_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint("state IN ('active','removed')", name=op.f("ck_agent_dispatches_state")),
        sa.CheckConstraint("owner IN ('api','detection')", name=op.f("ck_agent_dispatches_owner")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_agent_dispatches_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_agent_dispatches_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_dispatches")),
        sa.UniqueConstraint("public_id", name=op.f("uq_agent_dispatches_public_id")),
        sa.UniqueConstraint(
            "room_id", "agent_name", "active", name=op.f("uq_agent_dispatches_room_id_agent_name_active")
        ),
    )
    op.create_index("ix_agent_dispatches_room_id_id", "agent_dispatches", ["room_id", "id"], unique=False)
    op.create_index("ix_agent_dispatches_redispatch_at", "agent_dispatches", ["redispatch_at"], unique=False)


def downgrade() -> None:
    op.drop_table("agent_dispatches")
    op.drop_table("agents")
