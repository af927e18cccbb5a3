from enum import StrEnum


class RecordingsListRecordingsStateType1(StrEnum):
    FAILED = "failed"
    PARTIAL = "partial"
    READY = "ready"
    RECORDING = "recording"
    STARTING = "starting"
    STOPPING = "stopping"

    def __str__(self) -> str:
        return str(self.value)
