from enum import StrEnum


class RecordingFileDataKind(StrEnum):
    AUDIO = "audio"
    MIX = "mix"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
