from enum import StrEnum


class UsageReportGroupBy(StrEnum):
    DAY = "day"
    PROJECT = "project"
    ROOM = "room"

    def __str__(self) -> str:
        return str(self.value)
