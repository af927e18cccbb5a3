"""idempotency_keys: a caller's Idempotency-Key, the request it was first used for and its response

Written in the same transaction as the request's work (roomsvc/idempotency.py); expired keys (24 h by
default) are deleted by the ``retention-idempotency`` job, hence the index on ``created_at``.

Revision ID: 0004_idempotency_keys
Revises: 0003_detection
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0004_idempotency_keys"
down_revision: str | None = "0003_detection"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255, collation="utf8mb4_bin"), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text().with_variant(mysql.LONGTEXT(), "mysql"), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint(
            "credential_id", "idempotency_key", name=op.f("uq_idempotency_keys_credential_id_idempotency_key")
        ),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
