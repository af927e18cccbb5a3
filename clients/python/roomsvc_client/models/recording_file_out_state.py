from enum import StrEnum


class RecordingFileOutState(StrEnum):
    FAILED = "failed"
    PARTIAL = "partial"
    READY = "ready"
    WRITING = "writing"

    def __str__(self) -> str:
        return str(self.value)
