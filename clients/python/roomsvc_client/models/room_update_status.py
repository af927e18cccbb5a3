from enum import StrEnum


class RoomUpdateStatus(StrEnum):
    ENDED = "ended"

    def __str__(self) -> str:
        return str(self.value)
