"""event_deliveries.claim: the claim token that fences a relay's results; error classes only

An index on ``lease_until`` lets the relay count the deliveries in flight per subscription without
reading the whole backlog.

A relay writes an attempt's result only ``WHERE id = ? AND claim = ?``, so a relay whose lease expired
(and whose delivery another relay claimed since) changes nothing. Errors stored before this revision
held exception text and response bodies (up to 200 characters of whatever answered); they are reduced
to the error class the relay now stores.

Revision ID: 0004_delivery_claim
Revises: 0003_detection
Create Date: 2026-11-30 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_delivery_claim"
down_revision: str | None = "0003_detection"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _classify(table: str, status: str, error: str) -> str:
    """Replace stored text by its class (the names are this file's constants, never input)."""
    return f"""UPDATE {table} SET {error} = CASE
        WHEN {status} IS NOT NULL THEN 'http-error'
        WHEN {error} LIKE '%Timeout%' THEN 'timeout'
        WHEN {error} LIKE '%SSL%' OR {error} LIKE '%CERTIFICATE%' THEN 'tls'
        WHEN {error} LIKE 'ConnectError%' THEN 'connect'
        ELSE 'network'
    END WHERE {error} IS NOT NULL"""  # noqa: S608


def upgrade() -> None:
    op.add_column("event_deliveries", sa.Column("claim", sa.String(length=32), nullable=True))
    op.create_index("ix_event_deliveries_lease_until", "event_deliveries", ["lease_until"])
    op.execute(_classify("event_deliveries", "last_status_code", "last_error"))
    op.execute(_classify("delivery_attempts", "status_code", "error"))


def downgrade() -> None:
    op.drop_index("ix_event_deliveries_lease_until", table_name="event_deliveries")
    op.drop_column("event_deliveries", "claim")
