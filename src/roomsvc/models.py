"""Imports every model so that ``Base.metadata`` is complete (Alembic and the schema test use it)."""

from roomsvc.agents.models import Agent, AgentDispatch
from roomsvc.calls.models import MediaJob, ParticipantSession, RoomSession, Track
from roomsvc.credentials.models import CallerCredential
from roomsvc.db import Base
from roomsvc.detection.records import Detection, DetectionModel, DetectionTrack, RoomDetection
from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from roomsvc.idempotency import IdempotencyKey
from roomsvc.invitations.models import Invitation
from roomsvc.lobby.models import LobbyRequest
from roomsvc.moderation.models import AuditEntry, Ban, Mute
from roomsvc.participants.models import Participant
from roomsvc.recordings.models import Recording, RecordingFile
from roomsvc.rooms.models import Room
from roomsvc.seats.models import Seat, SeatRequest
from roomsvc.webhooks.models import WebhookEvent

__all__ = [
    "Agent",
    "AgentDispatch",
    "AuditEntry",
    "Ban",
    "Base",
    "CallerCredential",
    "DeliveryAttempt",
    "Detection",
    "DetectionModel",
    "DetectionTrack",
    "Event",
    "EventDelivery",
    "EventSubscription",
    "IdempotencyKey",
    "Invitation",
    "LobbyRequest",
    "MediaJob",
    "Mute",
    "Participant",
    "ParticipantSession",
    "Recording",
    "RecordingFile",
    "Room",
    "RoomDetection",
    "RoomSession",
    "Seat",
    "SeatRequest",
    "Track",
    "WebhookEvent",
]
