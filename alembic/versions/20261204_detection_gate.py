"""detection safety gate (issue 15): per-project audited override of the action gate; validated rates
and track-level alerting per registered model

``detection_models.validation`` holds the ``validation`` section `roomsvc detection evaluate --write-card`
recorded for the model (who, on what data, when, the rates); ``detection_models.alerting`` its track-level
``alerting`` section. Both NULL for existing rows: a shipped model's card speaks for it, an operator's
model is unvalidated until evaluated. ``detection_gate_overrides`` is append-only: every operator grant or
revocation of a project's override, with who, when and why; a project's latest row is its state.

Revision ID: 0014_detection_gate
Revises: 0013_agent_dispatches
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0014_detection_gate"
down_revision: str | None = "0013_agent_dispatches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("detection_models", sa.Column("validation", sa.Text(), nullable=True))
    op.add_column("detection_models", sa.Column("alerting", sa.Text(), nullable=True))
    op.create_table(
        "detection_gate_overrides",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=512), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_detection_gate_overrides_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_gate_overrides")),
    )
    op.create_index(
        "ix_detection_gate_overrides_project_id_id", "detection_gate_overrides", ["project_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_detection_gate_overrides_project_id_id", table_name="detection_gate_overrides")
    op.drop_table("detection_gate_overrides")
    op.drop_column("detection_models", "alerting")
    op.drop_column("detection_models", "validation")
