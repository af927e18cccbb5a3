from enum import StrEnum


class IngressUpdatedDataEvent(StrEnum):
    INGRESS_ENDED = "ingress_ended"
    INGRESS_STARTED = "ingress_started"

    def __str__(self) -> str:
        return str(self.value)
