from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow
from roomsvc.types import DEFAULT_PROJECT as DEFAULT_PROJECT

# What a project id looks like: it prefixes the project's LiveKit room names (`<project>~<room>`).
PROJECT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,31}$"
# The request header in which a `platform` credential names the project it acts in (roomsvc.auth).
PROJECT_HEADER = "Roomsvc-Project"


class Project(IdMixin, Base):
    """A tenant: the app whose credentials, rooms, events and subscriptions these are."""

    __tablename__ = "projects"

    public_id: Mapped[str] = mapped_column(exact(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CallerCredential(IdMixin, Base):
    __tablename__ = "caller_credentials"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))

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
