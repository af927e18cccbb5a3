from enum import StrEnum


class ParticipantOutState(StrEnum):
    INVITED = "invited"
    JOINED = "joined"
    LEFT = "left"

    def __str__(self) -> str:
        return str(self.value)
