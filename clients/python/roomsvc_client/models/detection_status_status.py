from enum import StrEnum


class DetectionStatusStatus(StrEnum):
    DISPATCHED = "dispatched"
    RUNNING = "running"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
