from enum import StrEnum


class DetectionListRoomDetectionsKindType2Type1(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
