"""Room rows → API responses and event payloads (the one place rooms are shaped for the outside)."""

from __future__ import annotations

from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import RoomOut
from roomsvc.types import to_struct


def room_out(room: Room) -> RoomOut:
    return to_struct(RoomOut, room, metadata=room.room_metadata)


def event_data(room: Room) -> dict[str, object]:
    return {
        "room_sid": room.livekit_sid,
        "creator": room.creator,
        "call_type": room.call_type,
        "max_participants": room.max_participants,
        "metadata": room.room_metadata,
    }
