from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

INVITATION_STATUSES = ("pending", "accepted", "declined", "revoked")


class Invitation(IdMixin, Base):
    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("status IN ('pending','accepted','declined','revoked')", name="status"),
        CheckConstraint("role IN ('admin','member','audience')", name="role"),
        Index("ix_invitations_room_id_identity", "room_id", "identity"),
    )

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(exact(128))
    role: Mapped[str] = mapped_column(String(16), default="member")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    expires_at: Mapped[dt.datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(64))
    # The owner who invited as admin (moderation scope); null for member and audience invitations.
    actor: Mapped[str | None] = mapped_column(exact(128), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[dt.datetime | None] = mapped_column(default=None)
