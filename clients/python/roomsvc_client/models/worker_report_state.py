from enum import StrEnum


class WorkerReportState(StrEnum):
    ENDED = "ended"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
