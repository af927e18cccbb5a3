from enum import StrEnum


class RoomUpdateAutoRecord(StrEnum):
    OFF = "off"
    ROOM_AUDIO = "room_audio"
    TRACKS = "tracks"

    def __str__(self) -> str:
        return str(self.value)
