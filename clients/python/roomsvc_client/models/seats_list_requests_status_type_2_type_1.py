from enum import StrEnum


class SeatsListRequestsStatusType2Type1(StrEnum):
    ACCEPTED = "accepted"
    APPROVED = "approved"
    CANCELLED = "cancelled"
    DECLINED = "declined"
    EXPIRED = "expired"
    PENDING = "pending"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
