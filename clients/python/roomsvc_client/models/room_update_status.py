from enum import StrEnum


class RoomUpdateStatus(StrEnum):
    ENDED = "ended"
    LOCKED = "locked"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
