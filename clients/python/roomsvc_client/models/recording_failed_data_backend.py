from enum import StrEnum


class RecordingFailedDataBackend(StrEnum):
    AGENT = "agent"
    EGRESS = "egress"

    def __str__(self) -> str:
        return str(self.value)
