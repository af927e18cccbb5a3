from __future__ import annotations

import msgspec

from roomsvc.participants.schemas import Role
from roomsvc.types import Identity, RoomName, ShortText


class DemoJoin(msgspec.Struct, forbid_unknown_fields=True):
    room: RoomName
    identity: Identity
    role: Role | None = None
    name: ShortText = ""
