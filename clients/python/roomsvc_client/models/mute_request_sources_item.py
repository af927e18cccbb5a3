from enum import StrEnum


class MuteRequestSourcesItem(StrEnum):
    CAMERA = "camera"
    MICROPHONE = "microphone"
    SCREEN_SHARE = "screen_share"
    SCREEN_SHARE_AUDIO = "screen_share_audio"

    def __str__(self) -> str:
        return str(self.value)
