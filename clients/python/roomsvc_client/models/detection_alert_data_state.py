from enum import StrEnum


class DetectionAlertDataState(StrEnum):
    ALERT = "alert"

    def __str__(self) -> str:
        return str(self.value)
