from enum import StrEnum


class DetectionListRoomDetectionsKindType3Type1(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
