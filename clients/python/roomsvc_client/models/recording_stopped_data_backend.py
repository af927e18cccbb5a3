from enum import StrEnum


class RecordingStoppedDataBackend(StrEnum):
    AGENT = "agent"
    EGRESS = "egress"

    def __str__(self) -> str:
        return str(self.value)
