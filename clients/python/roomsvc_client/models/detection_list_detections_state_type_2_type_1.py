from enum import StrEnum


class DetectionListDetectionsStateType2Type1(StrEnum):
    ALERT = "alert"
    CLEAR = "clear"
    SUSPICIOUS = "suspicious"

    def __str__(self) -> str:
        return str(self.value)
