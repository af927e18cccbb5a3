from enum import StrEnum


class TrackUnpublishedDataSource(StrEnum):
    CAMERA = "camera"
    MICROPHONE = "microphone"
    SCREEN_SHARE = "screen_share"
    SCREEN_SHARE_AUDIO = "screen_share_audio"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)
