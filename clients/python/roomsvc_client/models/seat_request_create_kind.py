from enum import StrEnum


class SeatRequestCreateKind(StrEnum):
    APPLICATION = "application"
    INVITATION = "invitation"

    def __str__(self) -> str:
        return str(self.value)
