"""The request examples shown at /schema are valid requests: each one decodes into its schema."""

from __future__ import annotations

import msgspec
import pytest

from roomsvc import examples
from roomsvc.events.schemas import SubscriptionCreate
from roomsvc.invitations.schemas import InvitationCreate
from roomsvc.moderation.schemas import Kick, MuteRequest
from roomsvc.participants.schemas import JoinRequest
from roomsvc.rooms.schemas import RoomCreate, RoomUpdate
from roomsvc.seats.schemas import SeatRequestCreate

CASES = [
    (examples.ROOM_CREATE, RoomCreate),
    (examples.ROOM_UPDATE, RoomUpdate),
    (examples.JOIN, JoinRequest),
    (examples.INVITE, InvitationCreate),
    (examples.KICK, Kick),
    (examples.MUTE, MuteRequest),
    (examples.SEAT_REQUEST, SeatRequestCreate),
    (examples.SUBSCRIBE, SubscriptionCreate),
]


@pytest.mark.parametrize(("kwarg", "schema"), CASES, ids=[c[1].__name__ for c in CASES])
def test_example_is_a_valid_request(kwarg: object, schema: type) -> None:
    (example,) = kwarg.examples  # type: ignore[attr-defined]
    body = msgspec.json.encode(example.value)
    assert msgspec.json.decode(body, type=schema) is not None
