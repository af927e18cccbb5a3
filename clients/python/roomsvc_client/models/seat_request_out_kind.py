from enum import StrEnum


class SeatRequestOutKind(StrEnum):
    APPLICATION = "application"
    INVITATION = "invitation"

    def __str__(self) -> str:
        return str(self.value)
