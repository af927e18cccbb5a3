from enum import StrEnum


class RecordingOutState(StrEnum):
    FAILED = "failed"
    PARTIAL = "partial"
    READY = "ready"
    RECORDING = "recording"
    STARTING = "starting"
    STOPPING = "stopping"

    def __str__(self) -> str:
        return str(self.value)
