"""scheduled and lockable rooms (issue 16 part 5)

(placeholder: filled in by the engineer building this part)

Revision ID: 0012_room_schedule
Revises: 0011_join_requests
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0012_room_schedule"
down_revision: str | None = "0011_join_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
