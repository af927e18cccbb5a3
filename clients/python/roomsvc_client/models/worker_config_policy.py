from enum import StrEnum


class WorkerConfigPolicy(StrEnum):
    KICK = "kick"
    MUTE = "mute"
    NOTIFY = "notify"

    def __str__(self) -> str:
        return str(self.value)
