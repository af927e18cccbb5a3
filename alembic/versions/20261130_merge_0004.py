"""Merge the three 0004 branches (event feed order, delivery claims, idempotency keys) into one line

Revision ID: 0005_merge
Revises: 0004_event_seq, 0004_delivery_claim, 0004_idempotency_keys
Create Date: 2026-11-30 13:00:00.000000
"""

from collections.abc import Sequence

revision: str = "0005_merge"
down_revision: str | tuple[str, ...] | None = (
    "0004_event_seq",
    "0004_delivery_claim",
    "0004_idempotency_keys",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
