from enum import StrEnum


class RoomOutSeatMode(StrEnum):
    APPLY = "apply"
    FREE = "free"

    def __str__(self) -> str:
        return str(self.value)
