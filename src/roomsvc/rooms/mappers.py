"""Room rows → API responses and event payloads (the one place rooms are shaped for the outside)."""

from __future__ import annotations

from roomsvc.rooms.models import ROOM_CONTROLS, Room
from roomsvc.rooms.schemas import RoomControls, RoomOut
from roomsvc.types import to_struct


def room_out(room: Room) -> RoomOut:
    return to_struct(
        RoomOut, room, metadata=room.room_metadata, controls=controls_out(room), status=room.public_status
    )


def controls_out(room: Room) -> RoomControls:
    """The room's controls as in force now: a timed one past its end shows as off (and without its end)."""
    active = room.active_controls()
    values: dict[str, object] = {}
    for control in ROOM_CONTROLS:
        values[f"{control}_disabled"] = control in active
        values[f"{control}_disabled_until"] = (
            getattr(room, f"{control}_disabled_until") if control in active else None
        )
    return RoomControls(**values)  # type: ignore[arg-type]


def event_data(room: Room) -> dict[str, object]:
    return {
        "room_sid": room.livekit_sid,
        "creator": room.creator,
        "call_type": room.call_type,
        "max_participants": room.max_participants,
        "metadata": room.room_metadata,
    }
