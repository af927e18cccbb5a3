from enum import StrEnum


class WorkerConfigStatus(StrEnum):
    DISPATCHED = "dispatched"
    RUNNING = "running"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
