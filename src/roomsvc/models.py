"""Imports every model so that ``Base.metadata`` is complete (Alembic and the schema test use it)."""

from roomsvc.credentials.models import CallerCredential
from roomsvc.db import Base
from roomsvc.invitations.models import Invitation
from roomsvc.moderation.models import Ban
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from roomsvc.webhooks.models import WebhookEvent

__all__ = ["Ban", "Base", "CallerCredential", "Invitation", "Participant", "Room", "WebhookEvent"]
