from enum import StrEnum


class DetectionAlertDataType(StrEnum):
    DETECTION_ALERT = "detection.alert"

    def __str__(self) -> str:
        return str(self.value)
