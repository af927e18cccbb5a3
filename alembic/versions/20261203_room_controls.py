"""room-wide media and chat controls (issue 16 part 1)

(placeholder: filled in by the engineer building this part)

Revision ID: 0009_room_controls
Revises: 0008_recordings
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0009_room_controls"
down_revision: str | None = "0008_recordings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
