from enum import StrEnum


class TrackUnpublishedDataKind(StrEnum):
    AUDIO = "audio"
    DATA = "data"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
