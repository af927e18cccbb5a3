from enum import StrEnum


class LobbyListRequestsStatusType3Type1(StrEnum):
    ADMITTED = "admitted"
    DENIED = "denied"
    EXPIRED = "expired"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
