from enum import StrEnum


class TrackPublishedDataKind(StrEnum):
    AUDIO = "audio"
    DATA = "data"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
