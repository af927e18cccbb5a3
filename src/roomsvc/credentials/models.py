from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow


class CallerCredential(IdMixin, Base):
    __tablename__ = "caller_credentials"

    public_id: Mapped[str] = mapped_column(exact(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[str] = mapped_column(String(512))
    # base64(nonce || AES-GCM ciphertext) of the HS256 signing secret under ROOMSVC_SECRET_KEY.
    secret_ciphertext: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
