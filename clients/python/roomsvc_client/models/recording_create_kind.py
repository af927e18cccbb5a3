from enum import StrEnum


class RecordingCreateKind(StrEnum):
    ROOM_AUDIO = "room_audio"
    TRACKS = "tracks"

    def __str__(self) -> str:
        return str(self.value)
