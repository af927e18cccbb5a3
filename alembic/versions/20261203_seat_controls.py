"""seat microphone/camera locks, moves, swaps, invitations to the stage (issue 16 part 2)

(placeholder: filled in by the engineer building this part)

Revision ID: 0010_seat_controls
Revises: 0009_room_controls
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0010_seat_controls"
down_revision: str | None = "0009_room_controls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
