from enum import StrEnum


class DetectionListDetectionsKindType3Type1(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
