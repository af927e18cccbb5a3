from enum import StrEnum


class TrackStatusState(StrEnum):
    ALERT = "alert"
    CLEAR = "clear"
    SUSPICIOUS = "suspicious"

    def __str__(self) -> str:
        return str(self.value)
