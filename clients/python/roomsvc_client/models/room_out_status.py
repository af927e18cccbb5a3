from enum import StrEnum


class RoomOutStatus(StrEnum):
    ACTIVE = "active"
    CREATED = "created"
    ENDED = "ended"
    LOCKED = "locked"

    def __str__(self) -> str:
        return str(self.value)
