"""waiting room: rooms.lobby and join_requests (issue 16 part 4)

(placeholder: filled in by the engineer building this part)

Revision ID: 0011_join_requests
Revises: 0010_seat_controls
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0011_join_requests"
down_revision: str | None = "0010_seat_controls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
