from enum import StrEnum


class RoomCreateSeatMode(StrEnum):
    APPLY = "apply"
    FREE = "free"

    def __str__(self) -> str:
        return str(self.value)
