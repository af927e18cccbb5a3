from enum import StrEnum


class JoinRequestOutStatus(StrEnum):
    ADMITTED = "admitted"
    DENIED = "denied"
    EXPIRED = "expired"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
