from enum import StrEnum


class DetectionStateChangedDataTo(StrEnum):
    ALERT = "alert"
    CLEAR = "clear"
    SUSPICIOUS = "suspicious"

    def __str__(self) -> str:
        return str(self.value)
