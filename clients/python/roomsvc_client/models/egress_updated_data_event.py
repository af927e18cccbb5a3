from enum import StrEnum


class EgressUpdatedDataEvent(StrEnum):
    EGRESS_ENDED = "egress_ended"
    EGRESS_STARTED = "egress_started"
    EGRESS_UPDATED = "egress_updated"

    def __str__(self) -> str:
        return str(self.value)
