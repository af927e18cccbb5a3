from enum import StrEnum


class DetectionListModelsKindType2Type1(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
