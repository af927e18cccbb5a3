from enum import StrEnum


class FileOpenedKind(StrEnum):
    AUDIO = "audio"
    MIX = "mix"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
