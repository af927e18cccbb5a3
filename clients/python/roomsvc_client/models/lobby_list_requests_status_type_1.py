from enum import StrEnum


class LobbyListRequestsStatusType1(StrEnum):
    ADMITTED = "admitted"
    DENIED = "denied"
    EXPIRED = "expired"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
