from enum import StrEnum


class AlertOutPolicy(StrEnum):
    KICK = "kick"
    MUTE = "mute"
    NOTIFY = "notify"

    def __str__(self) -> str:
        return str(self.value)
