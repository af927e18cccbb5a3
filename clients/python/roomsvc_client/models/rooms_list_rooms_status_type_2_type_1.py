from enum import StrEnum


class RoomsListRoomsStatusType2Type1(StrEnum):
    ACTIVE = "active"
    CREATED = "created"
    ENDED = "ended"
    LOCKED = "locked"

    def __str__(self) -> str:
        return str(self.value)
