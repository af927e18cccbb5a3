from enum import StrEnum


class ControlsChangeParamsChangedItem(StrEnum):
    AUDIO = "audio"
    DATA = "data"
    SCREEN_SHARE = "screen_share"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
