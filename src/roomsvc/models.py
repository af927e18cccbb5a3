"""Imports every model so that ``Base.metadata`` is complete (Alembic and the schema test use it)."""

from roomsvc.calls.models import MediaJob, ParticipantSession, RoomSession, Track
from roomsvc.credentials.models import CallerCredential
from roomsvc.db import Base
from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from roomsvc.invitations.models import Invitation
from roomsvc.moderation.models import Ban
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from roomsvc.webhooks.models import WebhookEvent

__all__ = [
    "Ban",
    "Base",
    "CallerCredential",
    "DeliveryAttempt",
    "Event",
    "EventDelivery",
    "EventSubscription",
    "Invitation",
    "MediaJob",
    "Participant",
    "ParticipantSession",
    "Room",
    "RoomSession",
    "Track",
    "WebhookEvent",
]
