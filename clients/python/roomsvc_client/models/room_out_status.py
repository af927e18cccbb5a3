from enum import StrEnum


class RoomOutStatus(StrEnum):
    ACTIVE = "active"
    CREATED = "created"
    ENDED = "ended"

    def __str__(self) -> str:
        return str(self.value)
