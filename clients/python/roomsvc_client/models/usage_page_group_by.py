from enum import StrEnum


class UsagePageGroupBy(StrEnum):
    DAY = "day"
    PROJECT = "project"
    ROOM = "room"

    def __str__(self) -> str:
        return str(self.value)
