"""rooms.client_admin (the owner-only opt-in to a roomAdmin join token) and invitations.actor

``client_admin`` is off for every existing room: no end-user join token carries LiveKit's ``roomAdmin``
unless a room opts in (docs/api.md, "The token model"). ``actor`` names the identity (the room's owner)
that invited as ``admin`` through the moderation scope; member and audience invitations leave it null.

Revision ID: 0007_client_admin
Revises: 0006_projects
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_client_admin"
down_revision: str | None = "0006_projects"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rooms", sa.Column("client_admin", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column(
        "invitations", sa.Column("actor", sa.String(length=128, collation="utf8mb4_bin"), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("invitations", "actor")
    op.drop_column("rooms", "client_admin")
