from enum import StrEnum


class SeatsListRequestsStatusType3Type1(StrEnum):
    APPROVED = "approved"
    CANCELLED = "cancelled"
    PENDING = "pending"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
